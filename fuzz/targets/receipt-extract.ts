/** Per-file receipts made by `receipt extract` (one entry with its inclusion proof), read and verified. */
import { receiptTarget } from './receipt.ts';

export const target = receiptTarget('receipt-extract', 'extracted (per-file) receipts: one entry and its Merkle inclusion proof, verified against the signed root');
