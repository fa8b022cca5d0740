import type { ConnectionOptions } from 'snowflake-sdk';
import type { ResolvedSnowflakeWarehouseOptions } from '../warehouse/options.js';

/**
 * snowflake-sdk's connection options for a resolved warehouse configuration: the session's
 * schema, tag and binding threshold, password or key-pair login, and the endpoint.
 */
export function driverOptions(options: ResolvedSnowflakeWarehouseOptions): ConnectionOptions {
  const { connection, schema, queryTag, arrayBindingThreshold, maxLoginRetries } = options;
  return {
    account: connection.account,
    username: connection.username,
    database: connection.database,
    // A session's current schema: where its temporary staging tables live.
    schema: schema.toUpperCase(),
    application: 'orderstream',
    queryTag,
    arrayBindingThreshold,
    representNullAsStringNull: false,
    sfRetryMaxLoginRetries: maxLoginRetries,
    ...(connection.password ? { password: connection.password } : {}),
    ...(connection.privateKeyPath
      ? {
          authenticator: 'SNOWFLAKE_JWT',
          privateKeyPath: connection.privateKeyPath,
          ...(connection.privateKeyPassphrase ? { privateKeyPass: connection.privateKeyPassphrase } : {}),
        }
      : {}),
    ...(connection.role ? { role: connection.role } : {}),
    ...(connection.warehouse ? { warehouse: connection.warehouse } : {}),
    ...(connection.accessUrl ? { accessUrl: connection.accessUrl } : {}),
    ...(!connection.accessUrl && connection.host
      ? {
          accessUrl: `${connection.protocol ?? 'https'}://${connection.host}${connection.port ? `:${connection.port}` : ''}`,
        }
      : {}),
  };
}
