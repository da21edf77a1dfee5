/**
 * DirectAdmin's pure parts on arbitrary input: the Allowed Networks
 * validator against Node's own address parser, the user-name format (nothing
 * it accepts can change whom a login-as logs into), the form-encoded answers
 * the legacy API gives, and its error parser (never throws, no secret left).
 */
import { isIP } from 'node:net';

import fc from 'fast-check';

import { toNodeApiError } from '../../nodes/shared/errors';
import { readFormBody } from '../../nodes/shared/response';
import { USERNAME, parseDirectAdminFailure } from '../../nodes/providers/directAdmin/api';
import { isIPv4, isIPv6, isNetwork } from '../../nodes/providers/directAdmin/networks';
import { NODE, errorSurface, secretArb } from './arbitraries';

const RUNS = 500;

/** Strings over the characters addresses are written with, so near misses are common. */
const addressLike = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'.split('')), maxLength: 45 });

describe('Allowed Networks', () => {
	it('accepts exactly the addresses Node accepts, over the characters of addresses', () => {
		fc.assert(
			fc.property(addressLike, (text) => {
				expect(isNetwork(text)).toBe(isIP(text) !== 0);
				expect(isIPv4(text)).toBe(isIP(text) === 4);
				expect(isIPv6(text)).toBe(isIP(text) === 6);
			}),
			{ numRuns: RUNS * 4 },
		);
	});

	it('accepts every IPv4 and IPv6 address, and each with every prefix its family allows', () => {
		fc.assert(
			fc.property(fc.oneof(fc.ipV4().map((ip) => [ip, 32] as const), fc.ipV6().map((ip) => [ip, 128] as const)), fc.nat(128), ([ip, most], prefix) => {
				expect(isNetwork(ip)).toBe(true);
				expect(isNetwork(`${ip}/${prefix}`)).toBe(prefix <= most);
			}),
			{ numRuns: RUNS },
		);
	});

	it('refuses anything with another character, a zone, a second slash or a prefix with leading zeros', () => {
		fc.assert(
			fc.property(fc.ipV4(), fc.constantFrom(' ', '%eth0', '/8/8', '/08', '/', '/-1', 'x', '\n', ',', ';'), (ip, tail) => {
				expect(isNetwork(`${ip}${tail}`)).toBe(false);
			}),
			{ numRuns: RUNS },
		);
		fc.assert(
			fc.property(fc.string({ maxLength: 40 }).filter((text) => /[^0-9a-fA-F:./]/.test(text)), (text) => {
				expect(isNetwork(text)).toBe(false);
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('user names', () => {
	const pattern = new RegExp(USERNAME.pattern);

	it('accept nothing that could change whom a login-as logs into', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 40 }), (text) => {
				if (pattern.test(text)) expect(text).toMatch(/^[a-z][a-z0-9]*$/);
			}),
			{ numRuns: RUNS * 2 },
		);
		fc.assert(
			fc.property(fc.stringMatching(/^[a-z][a-z0-9]{0,20}$/), fc.constantFrom('|', ':', ' ', '\t', '@', '/', '%7C'), fc.stringMatching(/^[a-z0-9]{0,8}$/), (head, bad, tail) => {
				expect(pattern.test(`${head}${bad}${tail}`)).toBe(false);
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('form-encoded answers', () => {
	const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,11}$/).filter((entry) => entry !== '__proto__');

	it('read back what was encoded: plain fields as strings, list[] fields as lists', () => {
		fc.assert(
			fc.property(fc.dictionary(name, fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 5 }), fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 6 }), (fields, list) => {
				fc.pre(!Object.hasOwn(fields, 'list'));
				const pairs = new URLSearchParams(Object.entries(fields));
				for (const entry of list) pairs.append('list[]', entry);
				const read = readFormBody(pairs.toString());
				expect(read).toEqual({ ...fields, ...(list.length > 0 ? { list } : {}) });
			}),
			{ numRuns: RUNS },
		);
	});

	it('is undefined for JSON, HTML, plain text and empty bodies', () => {
		fc.assert(
			fc.property(fc.oneof(fc.json().filter((text) => /^[[{]/.test(text.trim())), fc.string().map((text) => `<html>${text}`), fc.constantFrom('', '   ', 'Not Found', 'OK')), (text) => {
				expect(readFormBody(text)).toBeUndefined();
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('parseDirectAdminFailure', () => {
	const statusArb = fc.oneof(fc.integer({ min: 200, max: 299 }), fc.integer({ min: 400, max: 599 }));

	it('never throws; every non-2xx and every error=1 is a failure; no secret in the body is left in the n8n error', () => {
		fc.assert(
			fc.property(
				secretArb,
				statusArb,
				fc.oneof(
					fc.record({ type: fc.oneof(fc.constantFrom('UNAUTHORIZED', 'ACCESS_DENIED', 'BAD_REQUEST'), fc.string()), message: fc.option(fc.string(), { nil: undefined }) }).map((body) => ({ json: body as unknown, text: JSON.stringify(body) })),
					fc.record({ text: fc.string(), details: fc.string() }).map((fields) => ({ json: undefined, text: new URLSearchParams({ error: '1', ...fields }).toString() })),
					fc.string().map((text) => ({ json: undefined, text })),
				),
				fc.constantFrom('type', 'message', 'text', 'details'),
				(secret, status, body, where) => {
					// The secret planted in one field of the body.
					const planted = body.json !== undefined
						? { ...(body.json as Record<string, unknown>), [where === 'type' ? 'type' : 'message']: `x ${secret} y` }
						: undefined;
					const text = planted
						? JSON.stringify(planted)
						: body.text.startsWith('error=1')
							? new URLSearchParams({ error: '1', text: where === 'text' ? `no ${secret}` : 'no', details: `d ${secret}` }).toString()
							: `${body.text}${secret}`;
					const response = { status, headers: {}, json: planted, text };
					const failure = parseDirectAdminFailure(response);
					if (status >= 400 || text.startsWith('error=1')) expect(failure).toBeDefined();
					if (!failure) return;
					expect(failure.provider.id).toBe('directadmin');
					expect(failure.httpCode).toBe(status);
					expect(errorSurface(toNodeApiError(NODE, failure, [secret]))).not.toContain(secret);
				},
			),
			{ numRuns: RUNS },
		);
	});
});
