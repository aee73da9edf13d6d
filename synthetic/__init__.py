"""Synthetic Kota Binjai: canonical files for the product and a hidden truth for evaluation."""

from synthetic.assembly import SyntheticWorld
from synthetic.files import write_world
from synthetic.world import generate

__all__ = ["SyntheticWorld", "generate", "write_world"]
