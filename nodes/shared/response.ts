import { NodeApiError } from 'n8n-workflow';

import { findInCauses } from './errors';
import type { RawResponse } from './provider';
import type { HeaderBag } from './retry';

/*
 * What n8n's HTTP helpers hand back (a full response, or an error that
 * carries one), as the provider parsers read it: used by the transport and by
 * credential tests alike.
 */

/** A full response from n8n's HTTP helpers as the provider parsers read it. */
export function toRawResponse(response: unknown): RawResponse {
	const full = (response ?? {}) as { statusCode?: number; headers?: HeaderBag; body?: unknown };
	const status = typeof full.statusCode === 'number' ? full.statusCode : 0;
	const headers = normalizeHeaders(full.headers ?? {});
	let text: string;
	let json: unknown;
	if (typeof full.body === 'string') {
		text = full.body;
	} else if (Buffer.isBuffer(full.body)) {
		text = full.body.toString('utf8');
	} else if (full.body === undefined || full.body === null) {
		text = '';
	} else {
		// Already parsed by the HTTP layer.
		json = full.body;
		text = JSON.stringify(full.body);
	}
	if (json === undefined && text.trim() !== '') {
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
	}
	return { status, headers, json, text };
}

/**
 * A form-encoded body (`a=1&list[]=x&list[]=y`) as an object: each name once,
 * its value a string, or an array of strings for a name that ends in `[]` or
 * comes more than once (the form convention for lists). Undefined for a body
 * that is empty or not a form (JSON, HTML).
 */
export function readFormBody(text: string | undefined): Record<string, string | string[]> | undefined {
	const trimmed = text?.trim() ?? '';
	// A form has a name=value pair and no raw white space (a space is sent as + or %20).
	if (!trimmed.includes('=') || /^[[{<]/.test(trimmed) || /\s/.test(trimmed)) return undefined;
	const fields: Record<string, string | string[]> = {};
	let pairs: URLSearchParams;
	try {
		pairs = new URLSearchParams(trimmed);
	} catch {
		return undefined;
	}
	for (const [rawName, value] of pairs) {
		const list = rawName.endsWith('[]');
		const name = list ? rawName.slice(0, -2) : rawName;
		if (name === '' || name === '__proto__') continue;
		const existing = Object.hasOwn(fields, name) ? fields[name] : undefined;
		if (existing === undefined) fields[name] = list ? [value] : value;
		else fields[name] = [...(Array.isArray(existing) ? existing : [existing]), value];
	}
	return Object.keys(fields).length > 0 ? fields : undefined;
}

/** The HTTP response carried by an error (its `response`, or one of its causes'), if any. */
export function responseInError(error: unknown): RawResponse | undefined {
	return (
		findInCauses(error, ({ response }) => {
			if (!response || typeof response !== 'object') return undefined;
			const { status, headers, data, body } = response as { status?: unknown; headers?: HeaderBag; data?: unknown; body?: unknown };
			return typeof status === 'number' ? toRawResponse({ statusCode: status, headers: headers ?? {}, body: data ?? body }) : undefined;
		}) ??
		// n8n 1.x keeps only the status of what it threw (NodeApiError.httpCode), not the response.
		(error instanceof NodeApiError && /^[1-5]\d\d$/.test(String(error.httpCode))
			? { status: Number(error.httpCode), headers: {}, json: undefined, text: undefined }
			: undefined)
	);
}

function normalizeHeaders(headers: HeaderBag): HeaderBag {
	const lower: HeaderBag = {};
	for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
	return lower;
}

/** The first error code found on the error or its causes (ECONNRESET, ECONNABORTED, …). */
export function networkErrorCode(error: unknown): string | undefined {
	return findInCauses(error, ({ code }) => (typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : undefined));
}
