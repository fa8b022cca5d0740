import { alertsPanel } from './alerts-panel.js';
import { healthPanel } from './health-panel.js';
import { heatmapPanel } from './heatmap-panel.js';
import { hourlySalesPanel } from './hourly-sales-panel.js';
import { kpiPanel } from './kpi-panel.js';
import type { PanelDefinition } from './panel.js';
import { topSellersPanel } from './top-sellers-panel.js';

/** The live panels, pushed over SSE, in page order. */
export const livePanels = [
  kpiPanel,
  hourlySalesPanel,
  topSellersPanel,
  heatmapPanel,
  alertsPanel,
  healthPanel,
] as readonly PanelDefinition[];
