// Forwarding module: the RAW schema lives in `schema/raw-schema.ts`. Kept only while the alert
// engine's tests (worked on in parallel) still import `ALERTS` from here; remove it once `alerts/`
// imports `../schema/raw-schema.js` (dependency-cruiser rule `core-forwarding-modules`).
export { ALERTS } from '../schema/raw-schema.js';
