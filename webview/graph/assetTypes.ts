// How each asset type looks: a codicon and a colour. Colours are VS Code theme variables only, so
// light, dark and high-contrast themes all apply; the codicon glyphs are drawn with the codicon
// font (its code points are those of @vscode/codicons' codicon.css).

export interface TypeStyle {
  label: string;
  /** Codicon name (for `<vscode-icon>` and class names). */
  icon: string;
  /** The glyph in the codicon font, for SVG and canvas text. */
  glyph: string;
  /** A CSS colour: a --vscode-* variable. */
  color: string;
}

const STYLES: Record<string, TypeStyle> = {
  table: { label: 'Table', icon: 'database', glyph: '\ueace', color: 'var(--vscode-charts-blue)' },
  view: { label: 'View', icon: 'eye', glyph: '\uea70', color: 'var(--vscode-terminal-ansiCyan)' },
  dbt_model: { label: 'dbt model', icon: 'symbol-class', glyph: '\ueb5b', color: 'var(--vscode-charts-orange)' },
  dbt_seed: { label: 'dbt seed', icon: 'table', glyph: '\uebb7', color: 'var(--vscode-charts-yellow)' },
  dbt_snapshot: { label: 'dbt snapshot', icon: 'history', glyph: '\uea82', color: 'var(--vscode-terminal-ansiYellow)' },
  dbt_exposure: { label: 'dbt exposure', icon: 'preview', glyph: '\ueb2f', color: 'var(--vscode-terminal-ansiMagenta)' },
  dag: { label: 'Airflow DAG', icon: 'type-hierarchy', glyph: '\uebb9', color: 'var(--vscode-charts-green)' },
  airflow_task: { label: 'Airflow task', icon: 'checklist', glyph: '\ueab3', color: 'var(--vscode-terminal-ansiGreen)' },
  spark_job: { label: 'Spark job', icon: 'zap', glyph: '\uea86', color: 'var(--vscode-charts-red)' },
  dvc_stage: { label: 'DVC stage', icon: 'run-all', glyph: '\ueb9e', color: 'var(--vscode-charts-purple)' },
  file: { label: 'File', icon: 'file', glyph: '\uea7b', color: 'var(--vscode-descriptionForeground)' },
  mlflow_run: { label: 'MLflow run', icon: 'beaker', glyph: '\uea79', color: 'var(--vscode-terminal-ansiBlue)' },
  mlflow_model: { label: 'MLflow model', icon: 'package', glyph: '\ueb29', color: 'var(--vscode-terminal-ansiMagenta)' },
  dashboard: { label: 'Dashboard', icon: 'dashboard', glyph: '\ueacd', color: 'var(--vscode-terminal-ansiBrightBlue)' },
};

/** lineage.yml may declare any type: those share one neutral look, labelled with their name. */
export function typeStyle(type: string): TypeStyle {
  return STYLES[type] ?? { label: type, icon: 'symbol-misc', glyph: '\ueb63', color: 'var(--vscode-foreground)' };
}

/** Glyphs the view draws besides the type icons. */
export const GLYPH = { warning: '\uea6c', chevronRight: '\ueab6', chevronDown: '\ueab4' } as const;
