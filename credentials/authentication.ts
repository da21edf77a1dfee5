import type { IHttpRequestOptions } from 'n8n-workflow';

/**
 * Adds auth headers to a request. Credentials authenticate with a function
 * built on this rather than a `generic` template, because n8n evaluates a
 * template's expressions for every request, which is most of a request's cost
 * when hundreds of items run (npm run bench).
 */
export function withHeaders(requestOptions: IHttpRequestOptions, headers: Record<string, string>): IHttpRequestOptions {
	return { ...requestOptions, headers: { ...requestOptions.headers, ...headers } };
}
