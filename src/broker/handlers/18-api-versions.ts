// ApiVersions: v0-4
//
// Behavior:
// * Lists exactly the APIs registered in ../api.ts and the versions each handler
//   implements, so the advertisement cannot drift from what is served.
// * A request at a version newer than this broker knows is answered by the
//   connection layer with UNSUPPORTED_VERSION in a v0 body (KIP-511), so the
//   client retries with a version from the list.
//
// Version notes:
// * v3: client software name/version are accepted and logged at debug level.
// * v3+: no supported or finalized features are reported (no KRaft features).
import { registerApi, registeredApis } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';

registerApi(
  ApiKey.ApiVersions,
  { min: 0, max: 4 },
  (req, ctx) => {
    if (ctx.apiVersion >= 3 && req.clientSoftwareName) {
      ctx.cluster.logger.debug(
        { conn: ctx.connection.id, client: `${req.clientSoftwareName} ${req.clientSoftwareVersion}` },
        'client',
      );
    }
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: registeredApis().map((a) => ({
        apiKey: a.key,
        minVersion: a.minVersion,
        maxVersion: a.maxVersion,
      })),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
  },
  { beforeAuth: true },
);
