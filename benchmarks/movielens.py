"""MovieLens-100k under the Microsoft Recommenders ranking protocol, for ``cf-recommend``'s engine.

Usage: ``python -m benchmarks.movielens --data path/to/ml-100k/u.data`` (or set
``MOVIELENS_100K``). Stratified random 75/25 split (seed 42) within each user, as the
Recommenders notebooks do, and within each item; every held-out pair is relevant; top-10
unseen items; MAP, nDCG@10, Precision@10, Recall@10 as ``benchmarks.ranking_protocol``
defines them. Ratings are used as implicit feedback: the engine sees each (user, item) once
(binarised), because the protocol counts every held-out rating as relevant, whatever its value.

Without the data file it says so and runs the same protocol on a synthetic stand-in of the
same shape; those numbers are labelled synthetic and never set beside the published rows.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.ranking_protocol import evaluate, stratified_split
from model.collaborative import fit_recommend

RESULTS = Path(__file__).parent / "results"
PUBLISHED = {  # Recommenders README, MovieLens 100k, top 10
    "BiVAE (published)": {"map": 0.146, "ndcg@10": 0.475, "precision@10": 0.412, "recall@10": 0.221},
    "BPR (published)": {"map": 0.132, "ndcg@10": 0.442, "precision@10": 0.388, "recall@10": 0.213},
}
COLUMNS = ["user_id", "item_id", "rating", "timestamp"]


def load_movielens(path: Path) -> pd.DataFrame:
    """ML-100k ``u.data``: tab-separated user, item, rating, timestamp."""
    return pd.read_csv(path, sep="\t", names=COLUMNS, header=None)


def synthetic_interactions(
    n_users: int, n_items: int, n_interactions: int, seed: int = 0, n_genres: int = 20
) -> pd.DataFrame:
    """Interactions with a popularity skew (Zipf) and latent structure (user genre tastes).

    Each user has at least ``min(20, n_items // 2)`` distinct items, activity is log-normal,
    80% of draws follow the user's genre mixture, 20% global popularity. The result has at
    most ``n_interactions`` distinct (user, item) rows.
    """
    rng = np.random.default_rng(seed)
    floor = min(20, n_items // 2)
    activity = rng.lognormal(0.0, 1.0, n_users)
    spare = max(n_interactions - floor * n_users, 0)
    per_user = np.minimum(floor + np.floor(spare * activity / activity.sum()), n_items // 2)
    per_user = per_user.astype(np.int64)
    genre = rng.integers(0, n_genres, n_items)
    weight = 1.0 / rng.permutation(np.arange(1, n_items + 1)) ** 0.9
    by_genre = np.lexsort((np.arange(n_items), genre))
    w_sorted, g_sorted = weight[by_genre], genre[by_genre]
    totals = np.bincount(g_sorted, weights=w_sorted, minlength=n_genres)
    within = np.cumsum(w_sorted) - np.concatenate([[0.0], np.cumsum(totals)[:-1]])[g_sorted]
    genre_cdf = g_sorted + within / totals[g_sorted]
    global_cdf = np.cumsum(weight) / weight.sum()
    taste = np.cumsum(rng.dirichlet(np.full(n_genres, 0.3), n_users), axis=1)
    users = np.repeat(np.arange(n_users), 3 * per_user)
    draw = rng.random(len(users))
    g = np.concatenate([  # in blocks: users x genres at once would not fit for big shapes
        (taste[users[a : a + 500_000]] < draw[a : a + 500_000, None]).sum(axis=1)
        for a in range(0, len(users), 500_000)
    ]).clip(max=n_genres - 1)
    pick_genre = by_genre[np.searchsorted(genre_cdf, g + rng.random(len(users)), "right").clip(max=n_items - 1)]
    pick_global = np.searchsorted(global_cdf, rng.random(len(users)), "right").clip(max=n_items - 1)
    items = np.where(rng.random(len(users)) < 0.8, pick_genre, pick_global)
    frame = pd.DataFrame({"user_id": users + 1, "item_id": items + 1}).drop_duplicates()
    frame = frame[frame.groupby("user_id").cumcount() < per_user[frame["user_id"] - 1]]
    frame = frame.head(n_interactions).reset_index(drop=True)
    frame["rating"] = rng.integers(1, 6, len(frame))
    frame["timestamp"] = 874_724_710 + rng.integers(0, 20_000_000, len(frame))
    return frame


def run_protocol(data: pd.DataFrame, k: int = 10) -> list[dict]:
    """Both splits x (our engine, most popular): metrics and fit+recommend seconds."""
    rows = []
    for filter_by in ("user", "item"):
        train, test = stratified_split(data, 0.75, filter_by=filter_by, seed=42)
        for name, params in (("cf-recommend (auto)", {}), ("most popular", {"method": "popular"})):
            start, cpu = time.perf_counter(), time.process_time()
            recs = fit_recommend(train[["user_id", "item_id"]], k=k, **params)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            rows.append(
                {"split": f"stratified by {filter_by}", "model": name, **evaluate(test, recs, k),
                 "seconds": seconds, "cpu_seconds": cpu, "train_rows": len(train),
                 "test_rows": len(test)}
            )
    return rows


def print_table(rows: list[dict], label: str) -> None:
    """Print metric rows (and, for real data, the published rows) as a fixed-width table."""
    print(f"\n{label}")
    print(f"{'split':<22}{'model':<22}{'MAP':>7}{'nDCG@10':>9}{'P@10':>7}{'R@10':>7}{'seconds':>9}")
    for r in rows:
        print(f"{r['split']:<22}{r['model']:<22}{r['map']:>7.3f}{r['ndcg@10']:>9.3f}"
              f"{r['precision@10']:>7.3f}{r['recall@10']:>7.3f}{r.get('seconds', float('nan')):>9.2f}")


def main(argv: list[str] | None = None) -> dict:
    """Run the protocol (real data when found, else synthetic), print, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=os.environ.get("MOVIELENS_100K"),
                        help="path to ml-100k u.data (default: $MOVIELENS_100K)")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    path = Path(args.data) if args.data else None
    if path is not None and path.is_dir():
        path = path / "u.data"
    if path is not None and path.is_file():
        data, source = load_movielens(path), f"MovieLens-100k ({path})"
        synthetic = False
    else:
        where = f"{path} does not exist" if path else "neither --data nor MOVIELENS_100K is set"
        print(f"MovieLens-100k not found: {where}. Running the protocol on a SYNTHETIC stand-in "
              "(943 users, 1,682 items, ~100k interactions); its numbers are not comparable "
              "with the published rows.")
        data, source = synthetic_interactions(943, 1682, 100_000, seed=0), "synthetic stand-in"
        synthetic = True
    rows = run_protocol(data, args.k)
    label = f"{source}: {len(data):,} interactions, {data.user_id.nunique():,} users, " \
            f"{data.item_id.nunique():,} items, top {args.k}"
    print_table(rows, ("SYNTHETIC DATA - " if synthetic else "") + label)
    if not synthetic:
        print_table([{"split": "stratified (paper)", "model": m, **v} for m, v in PUBLISHED.items()],
                    "Published (Recommenders README, ML-100k)")
    load = os.getloadavg()
    print(f"seconds = wall time of fit + recommend; load average {load[0]:.2f} on "
          f"{os.cpu_count()} cores (a busy machine slows the BLAS inversion a lot)")
    result = {"data": source, "synthetic": synthetic, "n_interactions": len(data), "rows": rows,
              "published": None if synthetic else PUBLISHED, "load_average": load}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "movielens.json").write_text(json.dumps(result, indent=2))
    print(f"\nwrote {RESULTS / 'movielens.json'}")
    return result


if __name__ == "__main__":
    main()
