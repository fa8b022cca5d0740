// Forwarding module: the order event contract lives in `schema/order-event.ts`. Kept only while the
// alert detectors (worked on in parallel) still import it from here; remove it once `alerts/`
// imports `../schema/order-event.js` (dependency-cruiser rule `core-forwarding-modules`).
export type { OrderEvent, OrderEventType } from '../schema/order-event.js';
