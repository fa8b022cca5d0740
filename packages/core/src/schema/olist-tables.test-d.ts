// Type tests (checked by `npm run typecheck`): the exported row types are the parsed types, not
// `unknown` (regression: field specs once erased their zod schemas' types).
import type { OlistOrder, OlistOrderItem, OlistProduct } from '../index.js';

declare const item: OlistOrderItem;
declare const order: OlistOrder;
declare const product: OlistProduct;

export const cents: number = item.price;
export const shippingLimit: Date = item.shipping_limit_date;
export const approvedAt: Date | null = order.order_approved_at;
export const nameLength: number | null = product.product_name_lenght;
// @ts-expect-error money is integer cents, not text
export const notText: string = item.price;
// @ts-expect-error a nullable column may be null
export const notNull: Date = order.order_approved_at;
