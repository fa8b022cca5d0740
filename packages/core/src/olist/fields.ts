// Forwarding module: the field codecs live in `schema/fields.ts`. Kept only while the alert
// detectors (worked on in parallel) still import `formatCents` from here; remove it once `alerts/`
// imports `../schema/fields.js` (dependency-cruiser rule `core-forwarding-modules`).
export { formatCents } from '../schema/fields.js';
