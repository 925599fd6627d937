/**
 * @module server/dispatch
 * The one entry point both transports (HTTP and IPC) call: a wire request in, a wire response
 * out. Only the methods in `API_METHODS` are reachable — never an arbitrary property of the API
 * object — and their parameters are checked with zod first. It never throws.
 */
import { API_METHODS, ApiError, type ApiMethod, type ApiResponse, type KflowApi } from '../api/index';
import { silentLog, toApiError, toErrorBody, type Log } from './errors';
import { PARAMS } from './params';

const METHODS = new Set<string>(API_METHODS);

export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && METHODS.has(method);
}

export async function dispatch(
  api: KflowApi,
  method: unknown,
  params: unknown,
  log: Log = silentLog,
): Promise<ApiResponse> {
  try {
    if (!isApiMethod(method))
      throw new ApiError('not-found', `unknown API method ${JSON.stringify(String(method)).slice(0, 80)}`);
    if (!Array.isArray(params)) throw new ApiError('invalid', `${method}: params must be an array`);
    const parsed = PARAMS[method].safeParse(params);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .slice(0, 5)
        .map(
          (i) =>
            `params${i.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('')}: ${i.message}`,
        )
        .join('; ');
      throw new ApiError('invalid', `${method}: ${detail}`);
    }
    const [area, name] = method.split('.') as [keyof KflowApi, string];
    const target = api[area] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const fn = target[name];
    if (typeof fn !== 'function') throw new ApiError('internal', `${method} is not implemented`);
    const result = await fn.apply(target, parsed.data as unknown[]);
    return { ok: true, result: result === undefined ? null : result };
  } catch (err) {
    return {
      ok: false,
      error: toErrorBody(toApiError(err, isApiMethod(method) ? method : 'the API call', log)),
    };
  }
}
