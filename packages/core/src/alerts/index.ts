export type { Alert, AlertSeverity } from './alert.js';
export { ALERT_SEVERITIES, toAlertRow } from './alert.js';
export { AlertEngine, createAlertEngine } from './alert-engine.js';
export type { AlertEngineSnapshot, AlertEngineSnapshotEntry } from './alert-engine-snapshot.js';
export { ALERT_ENGINE_SNAPSHOT_VERSION } from './alert-engine-snapshot.js';
export type {
  AlertDirectionFilter,
  AlertLifecycleOptions,
  AlertLifecycleState,
  AlertState,
  LifecycleTransition,
} from './alert-lifecycle.js';
export { ALERT_STATES, AlertLifecycle } from './alert-lifecycle.js';
export type { AlertRule, ResolvedAlertRule } from './alert-rule.js';
export { alertRuleSchema } from './alert-rule.js';
export type { DetectorConfig } from './create-detector.js';
export { createDetector, detectorConfigSchema } from './create-detector.js';
export { DEFAULT_ALERT_RULES } from './default-rules.js';
export type {
  DemandDetectorOptions,
  DemandDetectorState,
  ResolvedDemandDetectorOptions,
} from './demand-detector.js';
export { DemandDetector, demandDetectorOptionsSchema } from './demand-detector.js';
export type {
  AlertDirection,
  Detector,
  DetectorContext,
  DetectorKind,
  DetectorVerdict,
  HistoryPoint,
  SeasonalBaselineState,
  WarmStartable,
} from './detector.js';
export { DETECTOR_KINDS, isWarmStartable } from './detector.js';
export type { AlertEngineEvents, LateOrderEvent, PipelineGap } from './events.js';
export type {
  EwmaDetectorOptions,
  EwmaDetectorState,
  ResolvedEwmaDetectorOptions,
} from './ewma-detector.js';
export { EwmaDetector, ewmaDetectorOptionsSchema } from './ewma-detector.js';
export type { MadDetectorOptions, MadDetectorState, ResolvedMadDetectorOptions } from './mad-detector.js';
export { MadDetector, madDetectorOptionsSchema } from './mad-detector.js';
export type { IngestOutcome } from './minute-aggregator.js';
export type { NabScore, NabScoreInput, NabWindow } from './nab-score.js';
export { NAB_STANDARD_PROFILE, scoreNab } from './nab-score.js';
export type { AlertEngineOptions, ResolvedAlertEngineOptions } from './options.js';
export { alertEngineOptionsSchema } from './options.js';
export type {
  PoissonCusumDetectorOptions,
  PoissonCusumDetectorState,
  PoissonCusumRunState,
  ResolvedPoissonCusumDetectorOptions,
} from './poisson-cusum-detector.js';
export { PoissonCusumDetector, poissonCusumDetectorOptionsSchema } from './poisson-cusum-detector.js';
export type {
  AlertScenario,
  AlertScenarioKind,
  AlertScenarioOptions,
  LabelledAnomaly,
} from './scenarios.js';
export { ALERT_SCENARIO_KINDS, generateAlertScenario } from './scenarios.js';
export type {
  ResolvedSeasonalDetectorOptions,
  SeasonalDetectorOptions,
  SeasonalDetectorState,
} from './seasonal-detector.js';
export { SeasonalDetector, seasonalDetectorOptionsSchema } from './seasonal-detector.js';
export type { AlertDimension, AlertMetric } from './series.js';
export { ALERT_DIMENSIONS, ALERT_METRICS, seriesName } from './series.js';
export type {
  ResolvedSilenceDetectorOptions,
  SilenceDetectorOptions,
  SilenceDetectorState,
} from './silence-detector.js';
export { SilenceDetector, silenceDetectorOptionsSchema } from './silence-detector.js';
export type {
  ResolvedThresholdDetectorOptions,
  ThresholdDetectorOptions,
  ThresholdDetectorState,
} from './threshold-detector.js';
export { ThresholdDetector, thresholdDetectorOptionsSchema } from './threshold-detector.js';
