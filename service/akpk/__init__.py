"""The yearly AKPK (analisis kebutuhan pengembangan kompetensi): the year's plan and its workbook.

``building.build_akpk`` plans the year's offerings with the exact planner and sets out each
PNS's needs; ``workbook.akpk_workbook`` writes the document HR signs off. Shared by
``asn-reco akpk`` and the dashboard's AKPK page.
"""
