import type { ServerSettings } from '../protocol/lineageProtocol';

/**
 * The settings' defaults, the same as package.json's `contributes.configuration` declares (the
 * client sends what the user set; these fill anything missing, e.g. in server tests).
 */
export const DEFAULT_SETTINGS: ServerSettings = {
  include: [],
  exclude: ['**/node_modules/**', '**/target/**', '**/dbt_packages/**', '**/.venv/**'],
  sqlDialect: 'postgres',
  migrationGlobs: ['**/migrations/**/*.sql', '**/migration/**/*.sql', '**/db/migrate/**/*.sql', '**/V[0-9]*__*.sql'],
  maxFileSizeKB: 2048,
  codeLens: { models: true, tables: true, sources: true, dags: true, sparkJobs: true, dvcStages: true, migrations: true },
};
