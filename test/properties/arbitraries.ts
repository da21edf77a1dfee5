/**
 * fast-check arbitraries shared by the property suites: provider error bodies
 * of every shape (and none), with a secret planted in random places.
 */
import fc from 'fast-check';
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { RawResponse } from '../../nodes/shared/provider';
import { failedItemJson } from '../../nodes/shared/runner';

/** Where a secret goes; replaced by the generated secret before the body is used. */
export const MARK = '\u2063SECRET\u2063';

/** A realistic key or token: long, from a key alphabet (so it never occurs in fixed texts by chance). */
export const secretArb = fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/);

/** Text that sometimes carries the secret (alone, inside words, or next to a URL). */
export const textArb: fc.Arbitrary<string> = fc.oneof(
	{ weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
	{ weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([a, b]) => `${a}${MARK}${b}`) },
	{ weight: 1, arbitrary: fc.constant(MARK) },
	{ weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true }).map((url) => `see ${url}?token=${MARK}`) },
	{ weight: 1, arbitrary: fc.constant(`Bearer ${MARK}`) },
);

/** Field names the parsers read, plus anything. */
const keyArb = fc.oneof(
	{ weight: 3, arbitrary: fc.string({ maxLength: 10 }) },
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			'title', 'detail', 'code', 'status', 'requestId', 'errors', 'pointer', 'result', 'errcode', 'errfield',
			'message', 'ErrorCode', 'ErrorDescription', 'ErrorName', 'ErrorStack', 'error', 'details', 'data', 'url',
			'description', 'reason', 'error_description',
		),
	},
	{ weight: 1, arbitrary: fc.constant(`x-${MARK}`) },
);

/** Any JSON, with the secret in random strings and keys. */
export const { json: jsonArb } = fc.letrec<{ json: unknown }>((tie) => ({
	json: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		textArb,
		fc.integer(),
		fc.double({ noNaN: true, noDefaultInfinity: true }),
		fc.boolean(),
		fc.constant(null),
		fc.array(tie('json'), { maxLength: 4 }),
		fc.dictionary(keyArb, tie('json'), { maxKeys: 5 }),
	),
}));

const stringish = fc.oneof({ weight: 4, arbitrary: textArb }, { weight: 1, arbitrary: jsonArb });

/** Bodies shaped like each provider's errors (fields the parser reads), some with extra fields. */
const shapedArb = fc.oneof(
	// HostUp: RFC 7807 problem details.
	fc.record(
		{
			title: stringish,
			detail: stringish,
			code: stringish,
			status: fc.integer({ min: 100, max: 599 }),
			requestId: stringish,
			errors: fc.array(fc.record({ pointer: stringish, detail: stringish, code: stringish }, { requiredKeys: [] }), { maxLength: 3 }),
		},
		{ requiredKeys: [] },
	),
	// Installatron.
	fc.record(
		{ status: fc.integer({ min: 100, max: 599 }), result: fc.oneof(fc.boolean(), jsonArb), errcode: stringish, errfield: stringish, message: stringish },
		{ requiredKeys: [] },
	),
	// MailUp.
	fc.record({ ErrorCode: stringish, ErrorDescription: stringish, ErrorName: stringish, ErrorStack: stringish }, { requiredKeys: [] }),
	// WISECP legacy and REST.
	fc.record({ status: fc.constantFrom('error', 'successful', 'ok', MARK), message: stringish, data: jsonArb }, { requiredKeys: [] }),
	fc.record({ error: fc.record({ code: stringish, message: stringish, details: jsonArb }, { requiredKeys: [] }) }),
);

export const bodyArb: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 3, arbitrary: shapedArb },
	{ weight: 2, arbitrary: jsonArb },
	{ weight: 1, arbitrary: fc.tuple(shapedArb, fc.dictionary(keyArb, jsonArb, { maxKeys: 3 })).map(([a, b]) => ({ ...b, ...a })) },
);

const statusArb = fc.oneof(
	fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504),
	fc.integer({ min: 100, max: 599 }),
);

/** A response as the transport hands it to a parser: JSON, or a body that is not JSON. */
export const responseArb: fc.Arbitrary<RawResponse> = fc
	.tuple(
		statusArb,
		fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).map((name) => name.toLowerCase()), textArb, { maxKeys: 3 }),
		// A body that is not JSON reaches the parsers as json: undefined.
		fc.oneof({ weight: 4, arbitrary: bodyArb }, { weight: 1, arbitrary: fc.constant(undefined) }),
	)
	.map(([status, headers, json]) => ({ status, headers, json }));

/** Replaces every MARK (in strings and keys, at any depth) with the secret. */
export function plant<T>(value: T, secret: string): T {
	if (typeof value === 'string') return value.split(MARK).join(secret) as T;
	if (Array.isArray(value)) return value.map((entry) => plant(entry, secret)) as T;
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [plant(key, secret), plant(entry, secret)])) as T;
	}
	return value;
}

export const NODE: INode = {
	id: 'property-node',
	name: 'Property Node',
	type: 'n8n-nodes-sso-link.hostUp',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Everything of an n8n error a user (or a log) can see, plus its Continue On Fail item. */
export function errorSurface(error: unknown): string {
	const entry = error as NodeApiError & { errorResponse?: unknown; cause?: unknown };
	return JSON.stringify({
		message: entry.message,
		description: entry.description,
		httpCode: entry.httpCode,
		context: entry.context,
		messages: entry.messages,
		errorResponse: entry.errorResponse,
		cause: entry.cause instanceof Error ? { message: entry.cause.message } : entry.cause,
		stack: entry.stack,
		item: failedItemJson(error),
	});
}

export function isNodeError(error: unknown): boolean {
	return error instanceof NodeApiError || error instanceof NodeOperationError;
}
