/**
 * Builds the typed `KflowApi` over any function that sends one `ApiRequest`: each method
 * listed in `API_METHODS` becomes `api.<area>.<name>(...params)`.
 */
import { API_METHODS, ApiError, type ApiMethod, type ApiResponse, type KflowApi } from '../../../api/index';

export type SendCall = (method: ApiMethod, params: unknown[]) => Promise<ApiResponse>;

export function buildApi(send: SendCall): KflowApi {
  const areas: Record<string, Record<string, (...params: unknown[]) => Promise<unknown>>> = {};
  for (const method of API_METHODS) {
    const [area, name] = method.split('.') as [string, string];
    const methods = (areas[area] ??= {});
    methods[name] = async (...params: unknown[]) => unwrap(await send(method, dropTrailingUndefined(params)));
  }
  // One cast, justified by construction: the keys are exactly API_METHODS, which the contract
  // checks against KflowApi.
  return areas as unknown as KflowApi;
}

export function unwrap(response: ApiResponse): unknown {
  if (response.ok) return response.result;
  throw new ApiError(response.error.code, response.error.message, response.error.problems);
}

// JSON turns a trailing `undefined` into `null`, which the backend would read as a value.
function dropTrailingUndefined(params: unknown[]): unknown[] {
  let end = params.length;
  while (end > 0 && params[end - 1] === undefined) end--;
  return params.slice(0, end);
}
