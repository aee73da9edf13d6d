"""Reports for BKPSDM written as files (Excel workbooks); only threshold-safe group data."""
