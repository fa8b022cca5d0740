/**
 * `@orderstream/core`: the record schemas (Olist tables, the order event), the CSV reader, the
 * synthetic data generator, the warehouse seam, batching and the alert detectors. No Kafka and no
 * warehouse engine inside. Authors of a warehouse adapter find their kit in
 * `@orderstream/core/adapter` and the contract suite in `@orderstream/core/testing`; the live
 * dashboard's queries are in `@orderstream/core/queries`.
 *
 * @example
 * ```ts
 * import { createAlertEngine, createOrderEventStream, readOlistCsv } from '@orderstream/core';
 *
 * for await (const batch of readOlistCsv('orders', './data/olist/olist_orders_dataset.csv')) {
 *   for (const reject of batch.rejects) console.warn(`line ${reject.line}: ${reject.reason}`);
 * }
 *
 * const engine = createAlertEngine();
 * engine.on('alert', (alert) => console.log(alert.explanation));
 * for (const event of createOrderEventStream({ limit: 1000 })) engine.ingest(event);
 * ```
 *
 * @packageDocumentation
 */

export type {
  Alert,
  AlertDimension,
  AlertDirection,
  AlertDirectionFilter,
  AlertEngineEvents,
  AlertEngineOptions,
  AlertEngineSnapshot,
  AlertEngineSnapshotEntry,
  AlertLifecycleOptions,
  AlertLifecycleState,
  AlertMetric,
  AlertRule,
  AlertScenario,
  AlertScenarioKind,
  AlertScenarioOptions,
  AlertSeverity,
  AlertState,
  DemandDetectorOptions,
  DemandDetectorState,
  Detector,
  DetectorConfig,
  DetectorContext,
  DetectorKind,
  DetectorVerdict,
  EwmaDetectorOptions,
  EwmaDetectorState,
  HistoryPoint,
  IngestOutcome,
  LabelledAnomaly,
  LateOrderEvent,
  LifecycleTransition,
  MadDetectorOptions,
  MadDetectorState,
  NabScore,
  NabScoreInput,
  NabWindow,
  PipelineGap,
  PoissonCusumDetectorOptions,
  PoissonCusumDetectorState,
  PoissonCusumRunState,
  ResolvedAlertEngineOptions,
  ResolvedAlertRule,
  ResolvedDemandDetectorOptions,
  ResolvedEwmaDetectorOptions,
  ResolvedMadDetectorOptions,
  ResolvedPoissonCusumDetectorOptions,
  ResolvedSeasonalDetectorOptions,
  ResolvedSilenceDetectorOptions,
  ResolvedThresholdDetectorOptions,
  SeasonalBaselineState,
  SeasonalDetectorOptions,
  SeasonalDetectorState,
  SilenceDetectorOptions,
  SilenceDetectorState,
  ThresholdDetectorOptions,
  ThresholdDetectorState,
  WarmStartable,
} from './alerts/index.js';
export {
  ALERT_DIMENSIONS,
  ALERT_ENGINE_SNAPSHOT_VERSION,
  ALERT_METRICS,
  ALERT_SCENARIO_KINDS,
  ALERT_SEVERITIES,
  ALERT_STATES,
  AlertEngine,
  AlertLifecycle,
  alertEngineOptionsSchema,
  alertRuleSchema,
  createAlertEngine,
  createDetector,
  DEFAULT_ALERT_RULES,
  DETECTOR_KINDS,
  DemandDetector,
  demandDetectorOptionsSchema,
  detectorConfigSchema,
  EwmaDetector,
  ewmaDetectorOptionsSchema,
  generateAlertScenario,
  isWarmStartable,
  MadDetector,
  madDetectorOptionsSchema,
  NAB_STANDARD_PROFILE,
  PoissonCusumDetector,
  poissonCusumDetectorOptionsSchema,
  SeasonalDetector,
  SilenceDetector,
  scoreNab,
  seasonalDetectorOptionsSchema,
  seriesName,
  silenceDetectorOptionsSchema,
  ThresholdDetector,
  thresholdDetectorOptionsSchema,
  toAlertRow,
} from './alerts/index.js';
export type { OlistDirReport, OlistFileProblem, OlistFileReport } from './csv/check-olist-dir.js';
export { checkOlistDir } from './csv/check-olist-dir.js';
export type { CsvReject, CsvRejectCode } from './csv/csv-reject.js';
export { CSV_REJECT_CODES } from './csv/csv-reject.js';
export type { CheckOlistDirOptions, CheckOlistDirProgress, ReadOlistCsvOptions } from './csv/options.js';
export { CHECK_OLIST_DIR_DEFAULTS, READ_OLIST_CSV_DEFAULTS } from './csv/options.js';
export type { OlistCsvBatch, OlistRow } from './csv/read-olist-csv.js';
export { readOlistCsv } from './csv/read-olist-csv.js';
export type { DbtOutputStream, ResolvedRunDbtOptions, RunDbtOptions } from './dbt/options.js';
export { RUN_DBT_DEFAULTS, runDbtOptionsSchema } from './dbt/options.js';
export { runDbt } from './dbt/run-dbt.js';
export type { DbtNodeCounts, DbtNodeResult, DbtRunSummary } from './dbt/run-summary.js';
export type { CoreErrorCode, OrderstreamErrorOptions } from './errors/orderstream-error.js';
export { CORE_ERROR_CODES, isOrderstreamError, OrderstreamError } from './errors/orderstream-error.js';
export type { ScannedTextField } from './events/order-event-scanner.js';
export { OrderEventScanner, SCANNED_TEXT_FIELDS } from './events/order-event-scanner.js';
export type { ParseOrderEventResult } from './events/parse-order-event.js';
export { parseOrderEvent } from './events/parse-order-event.js';
export { checkWritableDirectory, ensureDirectory } from './fs/ensure-directory.js';
export type { GeneratedOlistFile, GenerateOlistResult } from './generator/generate-olist-dataset.js';
export { generateOlistDataset } from './generator/generate-olist-dataset.js';
export type { InjectedMalformedRow, MalformedRowKind } from './generator/malformed-rows.js';
export { MALFORMED_ROW_KINDS } from './generator/malformed-rows.js';
export type {
  OlistCatalog,
  OlistCatalogCustomer,
  OlistCatalogOptions,
  OlistCatalogPlace,
  OlistCatalogProduct,
  OlistCatalogSeller,
} from './generator/olist-catalog.js';
export {
  createOlistCatalog,
  KAGGLE_ORDER_COUNT,
  OLIST_CATALOG_DEFAULTS,
  olistCatalogOptionsSchema,
} from './generator/olist-catalog.js';
export type {
  GenerateOlistOptions,
  GenerateOlistProgress,
  ResolvedGenerateOlistOptions,
} from './generator/options.js';
export { GENERATE_OLIST_DEFAULTS, generateOlistOptionsSchema } from './generator/options.js';
export type {
  OlistDefectsTruth,
  PaymentDifferenceKind,
  TimestampDefectKind,
} from './generator/order-defects.js';
export type { OrderEventStreamOptions } from './generator/order-event-stream.js';
export {
  createOrderEventStream,
  ORDER_EVENT_STREAM_DEFAULTS,
  orderEventStreamOptionsSchema,
} from './generator/order-event-stream.js';
export type { LoadHistoryResult, LoadHistoryTableResult } from './loader/load-history.js';
export { loadHistory } from './loader/load-history.js';
export type { LoadHistoryOptions, LoadHistoryProgress } from './loader/options.js';
export { LOAD_HISTORY_DEFAULTS } from './loader/options.js';
export type { MetricDefinition, MetricFormula, MetricId, MetricUnit } from './metrics/catalogue.js';
export {
  EXCLUDED_ORDER_STATUSES,
  METRIC_CATALOGUE,
  METRIC_IDS,
  METRIC_ITEM_COLUMNS,
  METRIC_ORDER_COLUMNS,
  metricDefinition,
  NET_ORDER_SQL,
} from './metrics/catalogue.js';
export { resolveOptions } from './options/resolve-options.js';
export { untilAborted } from './retry/until-aborted.js';
export type { RetryAttempt, RetryLogger, RetryOptions } from './retry/with-retry.js';
export { withRetry } from './retry/with-retry.js';
export type { ColumnDefinition, ColumnType, TableDefinition } from './schema/column-types.js';
export type { OrderStatus, PaymentType } from './schema/fields.js';
export {
  formatCents,
  formatNaiveTimestamp,
  ORDER_STATUSES,
  PAYMENT_TYPES,
  parseCents,
  parseNaiveTimestamp,
} from './schema/fields.js';
export type {
  OlistCategoryTranslation,
  OlistCustomer,
  OlistGeolocation,
  OlistOrder,
  OlistOrderItem,
  OlistOrderPayment,
  OlistOrderReview,
  OlistProduct,
  OlistSeller,
  OlistTable,
  OlistTableKey,
} from './schema/olist-tables.js';
export { OLIST_TABLE_KEYS, OLIST_TABLES } from './schema/olist-tables.js';
export type {
  OrderEvent,
  OrderEventInput,
  OrderEventItem,
  OrderEventOrder,
  OrderEventPayment,
  OrderEventType,
  OrderEventWire,
} from './schema/order-event.js';
export {
  ORDER_EVENT_SCHEMA_VERSION,
  ORDER_EVENT_TYPES,
  orderEventJsonSchema,
  orderEventSchema,
  serializeOrderEvent,
} from './schema/order-event.js';
export type { OrderEventOrigin, OrderEventRow } from './schema/order-event-row.js';
export { toOrderEventRow } from './schema/order-event-row.js';
export {
  ALERTS,
  LOAD_MANIFEST,
  RAW_ORDER_EVENTS,
  RAW_REJECTS,
  RAW_TABLES,
  SINK_OFFSETS,
} from './schema/raw-schema.js';
export type { EventTimeWindow } from './schema/storage-limits.js';
export {
  EVENT_TIME_WINDOW_DEFAULTS,
  eventTimeOutsideWindow,
  isWellFormedText,
  ORDER_EVENT_LIMITS,
  sumCents,
} from './schema/storage-limits.js';
export { businessTimeZoneSchema, DEFAULT_BUSINESS_TIME_ZONE } from './time/business-time-zone.js';
export type { Clock } from './time/clock.js';
export { clockSchema, systemClock } from './time/clock.js';
export type { LocalDateTime } from './time/local-time.js';
export {
  BUSINESS_TIME_ZONE_ENV,
  localDateTime,
  localToInstant,
  resolveBusinessTimeZone,
  startOfLocalDay,
  startOfLocalWeek,
} from './time/local-time.js';
export type {
  ColumnBatch,
  ColumnData,
  NumberColumnData,
  TextColumnData,
  WarehouseBatch,
} from './warehouse/column-batch.js';
export { isColumnBatch } from './warehouse/column-batch.js';
export { columnarTableWrite } from './warehouse/columnar-table-write.js';
export type {
  PartitionOffset,
  QueryParam,
  ReplaceTableOptions,
  TableWrite,
  Warehouse,
  WarehouseRow,
  WarehouseValue,
} from './warehouse/warehouse.js';
