/**
 * Every provider error parser, on arbitrary responses: it never throws, it
 * reads every non-2xx (and every 2xx that says it failed) as a failure, and
 * once toNodeApiError has made the failure an n8n error, no secret that was
 * anywhere in the body is left in anything a user or a log sees.
 */
import fc from 'fast-check';
import { NodeApiError } from 'n8n-workflow';

import type { ProviderFailure } from '../../nodes/shared/errors';
import { toNodeApiError } from '../../nodes/shared/errors';
import type { RawResponse } from '../../nodes/shared/provider';
import { parseHostUpFailure } from '../../nodes/providers/hostUp/api';
import { parseInstallatronFailure } from '../../nodes/providers/installatron/api';
import { parseMailUpFailure, parseMailUpTokenError } from '../../nodes/providers/mailUp/api';
import { parseLegacyFailure, parseRestFailure } from '../../nodes/providers/wisecp/api';
import { MARK, NODE, errorSurface, jsonArb, plant, responseArb, secretArb, textArb } from './arbitraries';

const RUNS = 400;

interface ParserCase {
	name: string;
	/** The provider id the failures carry. */
	provider: string;
	parse(response: RawResponse): ProviderFailure | undefined;
	/** A 2xx body this provider treats as a failure. */
	failsWith2xx?(json: unknown): boolean;
	/** A body whose error-code field carries the secret (the field that becomes `failure.code`). */
	codeBody(secret: string): unknown;
	/** Whether `failure.code` is copied from the body (else the node picks it from a fixed list). */
	codeFromBody: boolean;
	/** Inputs of a known gap, tested on their own below (so the general property stays about the rest). */
	knownGap?(response: RawResponse): boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype);

/** Whether a thrown value carries a MailUp token error whose `error` is an Object.prototype member name (a known gap). */
function namedLikePrototypeMember(thrown: unknown): boolean {
	let current: unknown = thrown;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { mailUpTokenError, cause } = current as { mailUpTokenError?: { error?: unknown }; cause?: unknown };
		if (mailUpTokenError) return typeof mailUpTokenError.error === 'string' && PROTOTYPE_MEMBERS.includes(mailUpTokenError.error);
		current = cause;
	}
	return false;
}

/** Installatron's documented field types (errcode, errfield and message strings or null). */
const PARSERS: ParserCase[] = [
	{
		name: 'parseHostUpFailure',
		provider: 'hostup',
		parse: parseHostUpFailure,
		codeBody: (secret) => ({ title: 'Bad request', detail: 'Rejected.', code: `key_${secret}_invalid` }),
		codeFromBody: true,
	},
	{
		name: 'parseInstallatronFailure',
		provider: 'installatron',
		parse: parseInstallatronFailure,
		failsWith2xx: (json) => isRecord(json) && json.result === false,
		codeBody: (secret) => ({ status: 403, result: false, errcode: `invalid_api_key:${secret}`, message: 'The key is invalid.' }),
		codeFromBody: true,
	},
	{
		name: 'parseMailUpFailure',
		provider: 'mailup',
		parse: parseMailUpFailure,
		codeBody: (secret) => ({ ErrorCode: '401', ErrorDescription: 'Authorization error.', ErrorName: `Unauthorized ${secret}` }),
		codeFromBody: true,
	},
	{
		name: 'parseLegacyFailure (WISECP)',
		provider: 'wisecp',
		parse: parseLegacyFailure,
		failsWith2xx: (json) => isRecord(json) && json.status === 'error',
		// WISECP's legacy errors have no code field: the node reads a fixed code from the message.
		codeBody: (secret) => ({ status: 'error', message: `Invalid API key ${secret}` }),
		codeFromBody: false,
	},
	{
		name: 'parseRestFailure (WISECP)',
		provider: 'wisecp',
		parse: parseRestFailure,
		codeBody: (secret) => ({ error: { code: `bad_key_${secret}`, message: 'Invalid or missing API key.' } }),
		codeFromBody: true,
	},
];

function checkFailure(failure: ProviderFailure, provider: string, status: number): void {
	expect(failure.provider.id).toBe(provider);
	expect(failure.httpCode).toBe(status);
	expect(typeof failure.message).toBe('string');
	expect(typeof failure.code).toBe('string');
	if (failure.description !== undefined) expect(typeof failure.description).toBe('string');
}

describe.each(PARSERS)('$name', ({ provider, parse, failsWith2xx, codeBody, knownGap }) => {
	it('never throws; a non-2xx (or a 2xx that says it failed) is a failure in the provider\'s name', () => {
		fc.assert(
			fc.property(responseArb, (response) => {
				fc.pre(!knownGap?.(response));
				const failure = parse(response);
				const success = response.status >= 200 && response.status < 300 && !failsWith2xx?.(response.json);
				if (!success) expect(failure).toBeDefined();
				if (failure) checkFailure(failure, provider, response.status);
			}),
			{ numRuns: RUNS },
		);
	});

	it('as an n8n error, carries no secret that was anywhere in the body (outside the error-code field, see below)', () => {
		fc.assert(
			fc.property(secretArb, responseArb, (secret, template) => {
				const response = plant(template, secret);
				const failure = parse(response);
				if (!failure) return;
				// A secret in the field that becomes the code is the separate (failing) case below.
				fc.pre(!failure.code.includes(secret));
				const error = toNodeApiError(NODE, failure, [secret]);
				expect(error).toBeInstanceOf(NodeApiError);
				expect(errorSurface(error)).not.toContain(secret);
			}),
			{ numRuns: RUNS },
		);
	});

	// README: no error … or output item ever contains an API key. toNodeApiError
	// redacts message and description but puts `failure.code` into the description
	// ("… error code: <code>"), the error's context and the Continue On Fail item as
	// it came from the body.
	it('as an n8n error, carries no secret the provider echoed in its error-code field', () => {
		fc.assert(
			fc.property(secretArb, fc.constantFrom(400, 401, 403, 404, 500), (secret, status) => {
				const json = codeBody(secret);
				const failure = parse({ status, headers: {}, json });
				expect(failure).toBeDefined();
				expect(errorSurface(toNodeApiError(NODE, failure as ProviderFailure, [secret]))).not.toContain(secret);
			}),
			{ numRuns: 50 },
		);
	});
});

describe('known gaps of the parsers', () => {
	// README: "A response with `result: false` is an error even when its HTTP status is 200."
	// The parser reads `result` only when every other field has its documented type, so
	// `{ result: false, errcode: 7, data: [] }` passes as a success (an empty install list).
	it('Installatron: `result: false` is a failure whatever the types of the other fields', () => {
		fc.assert(
			fc.property(
				fc.record({ errcode: fc.oneof(fc.integer(), fc.boolean(), fc.constant({})), message: jsonArb, data: fc.constant([]) }),
				(fields) => {
					const json = { result: false, ...fields };
					expect(parseInstallatronFailure({ status: 200, headers: {}, json })).toBeDefined();
				},
			),
			{ numRuns: 30 },
		);
	});

	// HostUp's hint table is a plain object: a code named like an Object.prototype member
	// (`constructor`, `toString`, …) puts JavaScript source into the description.
	it('HostUp: a code named like an Object.prototype member adds no JavaScript source to the description', () => {
		fc.assert(
			fc.property(fc.constantFrom(...PROTOTYPE_MEMBERS), (code) => {
				const failure = parseHostUpFailure({ status: 500, headers: {}, json: { title: 'Error', code } });
				expect(`${failure?.message}\n${failure?.description}`).not.toContain('[native code]');
			}),
			{ numRuns: 20 },
		);
	});

	it('Installatron: an errcode named like an Object.prototype member adds no JavaScript source either', () => {
		fc.assert(
			fc.property(fc.constantFrom(...PROTOTYPE_MEMBERS), (errcode) => {
				const failure = parseInstallatronFailure({ status: 500, headers: {}, json: { result: false, errcode, message: 'm' } });
				expect(`${failure?.message}\n${failure?.description}`).not.toContain('[native code]');
			}),
			{ numRuns: 20 },
		);
	});
});

describe('parseMailUpTokenError', () => {
	/** What the MailUp credential throws: an Error with `mailUpTokenError`, possibly wrapped in causes. */
	const thrownArb = fc
		.tuple(
			fc.record(
				{ status: fc.integer({ min: 100, max: 599 }), error: fc.option(textArb, { nil: undefined }), description: fc.option(textArb, { nil: undefined }) },
				{ requiredKeys: ['status'] },
			),
			fc.integer({ min: 0, max: 3 }),
			textArb,
		)
		.map(([tokenError, depth, message]) => {
			let error: unknown = Object.assign(new Error('MailUp did not issue an access token'), { mailUpTokenError: tokenError });
			for (let level = 0; level < depth; level++) error = Object.assign(new Error(message), { cause: error });
			return error;
		});

	it('never throws, on anything thrown; reads the token error wherever it is in the cause chain', () => {
		fc.assert(
			fc.property(fc.oneof(thrownArb, jsonArb, fc.anything()), (thrown) => {
				fc.pre(!namedLikePrototypeMember(thrown));
				const failure = parseMailUpTokenError(thrown);
				if (failure) {
					expect(failure.provider.id).toBe('mailup');
					expect(typeof failure.message).toBe('string');
					expect(typeof failure.code).toBe('string');
				}
			}),
			{ numRuns: RUNS },
		);
		fc.assert(
			fc.property(thrownArb, (thrown) => {
				expect(parseMailUpTokenError(thrown)).toBeDefined();
			}),
			{ numRuns: 100 },
		);
	});

	// The OAuth `error` is looked up in a plain object of messages: `constructor`,
	// `toString`, … find a function, which becomes the failure's message; toNodeApiError's
	// redact() then throws TypeError ("….split is not a function"), not a node error.
	it('reads an OAuth `error` named like an Object.prototype member as any unknown error', () => {
		fc.assert(
			fc.property(fc.constantFrom(...PROTOTYPE_MEMBERS), (code) => {
				const failure = parseMailUpTokenError({ mailUpTokenError: { status: 400, error: code } }) as ProviderFailure;
				expect(typeof failure.message).toBe('string');
				expect(() => toNodeApiError(NODE, failure, [])).not.toThrow();
			}),
			{ numRuns: 20 },
		);
	});

	it('as an n8n error, carries no secret from the token answer (outside its `error` code, see below)', () => {
		fc.assert(
			fc.property(secretArb, thrownArb, (secret, template) => {
				const thrown = template as Error & { mailUpTokenError: Record<string, unknown> };
				let inner: unknown = thrown;
				while ((inner as { cause?: unknown }).cause) inner = (inner as { cause?: unknown }).cause;
				const tokenError = plant((inner as { mailUpTokenError: object }).mailUpTokenError, secret);
				fc.pre(!namedLikePrototypeMember({ mailUpTokenError: tokenError }));
				const failure = parseMailUpTokenError({ mailUpTokenError: tokenError });
				if (!failure) return;
				fc.pre(!failure.code.includes(secret));
				expect(errorSurface(toNodeApiError(NODE, failure, [secret]))).not.toContain(secret);
			}),
			{ numRuns: RUNS },
		);
	});

	it('as an n8n error, carries no secret echoed in the OAuth `error` field', () => {
		fc.assert(
			fc.property(secretArb, (secret) => {
				const failure = parseMailUpTokenError({ mailUpTokenError: { status: 400, error: `invalid_grant ${secret}` } });
				expect(errorSurface(toNodeApiError(NODE, failure as ProviderFailure, [secret]))).not.toContain(secret);
			}),
			{ numRuns: 20 },
		);
	});
});

describe('MARK', () => {
	it('is planted in the generated bodies often enough to matter', () => {
		const samples = fc.sample(responseArb, 500);
		const withSecret = samples.filter((response) => JSON.stringify(response).includes(MARK)).length;
		expect(withSecret).toBeGreaterThan(150);
	});
});
