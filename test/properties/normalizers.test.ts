/**
 * The normalizers, on arbitrary input: normalizeSsoLink (the link output),
 * withoutSecretFields (listing outputs), redact (error texts) and the Custom
 * provider's valueAtPath.
 */
import fc from 'fast-check';
import type { INode } from 'n8n-workflow';
import { ZodError } from 'zod';

import { redact, toNodeApiError } from '../../nodes/shared/errors';
import type { MintedLink } from '../../nodes/shared/schemas';
import { isSecretFieldName, normalizeSsoLink, readProviderTime, ssoLinkSchema, withoutSecretFields } from '../../nodes/shared/schemas';
import { valueAtPath } from '../../nodes/providers/custom';
import { HOSTUP } from '../../nodes/providers/hostUp/api';
import { WISECP } from '../../nodes/providers/wisecp/api';
import { DATABASE_FIELD } from '../../nodes/providers/installatron/api';
import { MARK, NODE, errorSurface, jsonArb, plant, secretArb } from './arbitraries';

const RUNS = 400;

const providerArb = fc.constantFrom('hostup', 'installatron', 'mailup', 'wisecp', 'custom');
const targetArb = fc.constantFrom('wordpressAdmin', 'controlPanel', 'applicationAdmin', 'console', 'clientArea', 'custom');
const nowArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });

const urlArb = fc.oneof(
	{ weight: 4, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
	{ weight: 1, arbitrary: fc.string() },
	{ weight: 1, arbitrary: fc.constantFrom('', 'not a url', '/relative/path', 'https://', 'http://[::1]:80/x') },
);

/** Lifetimes and expiry times as providers send them, within what a Date can hold. */
const mintedArb = (lifetime: fc.Arbitrary<number | null | undefined>): fc.Arbitrary<MintedLink> =>
	fc.record(
		{
			url: urlArb,
			resourceId: fc.option(fc.string(), { nil: null }),
			expiresAt: fc.option(
				fc.oneof(
					fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
					fc.string(),
					fc.constantFrom('2026-11-22', '2026-11-22T12:00:00+02:00', 'Sun, 22 Nov 2026 12:00:00 GMT', 'soon'),
				),
				{ nil: null },
			),
			expiresInSeconds: lifetime,
			singleUse: fc.option(fc.boolean(), { nil: null }),
		},
		{ requiredKeys: ['url', 'resourceId', 'singleUse'] },
	);

const saneLifetime = fc.option(fc.oneof(fc.integer({ min: -1000, max: 10 * 365 * 86400 }), fc.double({ min: -1e6, max: 1e9, noNaN: true })), { nil: null });

/** A URL zod's `.url()` accepts but that is no web page: nothing a login link should be. */
const nonWebUrlArb = fc.oneof(
	fc.constantFrom('javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'ftp://example.com/x', 'vbscript:msgbox(1)'),
	fc.webUrl().map((url) => url.replace(/^https?:/, 'javascript:')),
);

describe('normalizeSsoLink', () => {
	it('returns the link output README describes or throws only the documented zod error on the URL', () => {
		fc.assert(
			fc.property(providerArb, targetArb, mintedArb(saneLifetime), nowArb, (provider, target, minted, now) => {
				let link;
				try {
					link = normalizeSsoLink(provider, target, minted, now);
				} catch (error) {
					expect(error).toBeInstanceOf(ZodError);
					expect((error as ZodError).issues.map((issue) => issue.path.join('.'))).toEqual(['url']);
					return;
				}
				expect(ssoLinkSchema.parse(link)).toEqual(link);
				expect(link.url).toBe(minted.url);
				expect(link.createdAt).toBe(now.toISOString());
				// Unknown stays null, never a guess; when one is known the other is derived from it.
				expect(link.expiresAt === null).toBe(link.expiresInSeconds === null);
				if (link.expiresInSeconds !== null) expect(link.expiresInSeconds).toBeGreaterThanOrEqual(0);
				if (!minted.expiresAt && (minted.expiresInSeconds ?? -1) < 0) expect(link.expiresAt).toBeNull();
			}),
			{ numRuns: RUNS },
		);
	});

	// A lifetime that no Date can hold (MailUp's `ExpiresIn`, a Custom Lifetime Path) makes
	// `toISOString()` throw a RangeError; createSsoLink then reports "The provider returned a
	// login link that is not a valid URL", which is not what went wrong.
	it('does not throw anything but the zod URL error for a huge lifetime (e.g. ExpiresIn 1e300)', () => {
		fc.assert(
			fc.property(fc.double({ min: 1e13, max: Number.MAX_VALUE, noNaN: true }), (lifetime) => {
				try {
					normalizeSsoLink('mailup', 'console', { url: 'https://x.example/sso', resourceId: null, expiresInSeconds: lifetime, singleUse: null });
				} catch (error) {
					expect(error).toBeInstanceOf(ZodError);
				}
			}),
			{ numRuns: 30 },
		);
	});

	// README shows `"url": "https://…"`; zod's `.url()` accepts any scheme, so a provider (or
	// anything between it and n8n) answering `javascript:…` gets that "login link" sent on.
	it('outputs only http(s) links', () => {
		fc.assert(
			fc.property(nonWebUrlArb, (url) => {
				let link;
				try {
					link = normalizeSsoLink('hostup', 'controlPanel', { url, resourceId: null, expiresAt: null, singleUse: true });
				} catch (error) {
					expect(error).toBeInstanceOf(ZodError);
					return;
				}
				expect(link.url).toMatch(/^https?:\/\//i);
			}),
			{ numRuns: 30 },
		);
	});
});

describe('normalizeSsoLink: expiry times', () => {
	const pad = (value: number, length = 2) => String(Math.abs(value)).padStart(length, '0');
	/** `instant` written as a provider in a zone `offsetMinutes` east of UTC would write it. */
	function writtenAt(instant: Date, offsetMinutes: number | null): string {
		const local = new Date(instant.getTime() + (offsetMinutes ?? 0) * 60_000);
		const text = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}`;
		if (offsetMinutes === null) return text;
		return `${text}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
	}
	const instantArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });

	it('reads every ISO 8601 time as the instant it names; one without an offset as UTC', () => {
		fc.assert(
			fc.property(instantArb, fc.option(fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), { nil: null }), (instant, offset) => {
				expect(readProviderTime(writtenAt(instant, offset))?.toISOString()).toBe(instant.toISOString());
			}),
			{ numRuns: RUNS },
		);
	});

	it('an expiry time it cannot read (or beyond any link) falls through to the lifetime', () => {
		const unreadable = fc.oneof(fc.string(), fc.constantFrom('soon', 'Nov 26 2026 12:00', '1', '2026-02-30T00:00:00Z', '2400-01-01T00:00:00Z'));
		fc.assert(
			fc.property(unreadable, fc.integer({ min: 0, max: 86400 }), nowArb, (text, lifetime, now) => {
				const at = readProviderTime(text);
				// Unreadable, or later than the ten years any link may live.
				fc.pre(at === undefined || at.getTime() - now.getTime() > 10 * 365 * 86400 * 1000 + 1000);
				const link = normalizeSsoLink('custom', 'custom', { url: 'https://x.example/sso', resourceId: null, expiresAt: text, expiresInSeconds: lifetime, singleUse: null }, now);
				expect(link.expiresInSeconds).toBe(lifetime);
				expect(link.expiresAt).toBe(new Date(now.getTime() + lifetime * 1000).toISOString());
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('withoutSecretFields', () => {
	const nameArb = fc.oneof(
		fc.string({ maxLength: 12 }),
		fc.constantFrom('password', 'db-pass', 'db_pass', 'apiKey', 'api_key', 'API-KEY', 'clientSecret', 'accessToken', 'refresh_token', 'privateKey', 'passwd', 'Password:', 'id', 'name', 'url', 'db-host', 'passwordChangedAt', 'tokens'),
	);
	const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
		tree: fc.oneof(
			{ depthSize: 'small' },
			fc.string(),
			fc.integer(),
			fc.boolean(),
			fc.constant(null),
			fc.array(tie('tree'), { maxLength: 4 }),
			fc.dictionary(nameArb.filter((name) => name !== '__proto__'), tie('tree'), { maxKeys: 6 }),
		),
	}));

	function keysOf(value: unknown, into: string[] = []): string[] {
		if (Array.isArray(value)) value.forEach((entry) => keysOf(entry, into));
		else if (value !== null && typeof value === 'object') {
			for (const [key, entry] of Object.entries(value)) {
				into.push(key);
				keysOf(entry, into);
			}
		}
		return into;
	}

	/** The same tree with a secret under every secret-named key (and Installatron's db-* keys). */
	function withSecrets(value: unknown, secret: string): unknown {
		if (Array.isArray(value)) return value.map((entry) => withSecrets(entry, secret));
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value).map(([key, entry]) => [key, isSecretFieldName(key) || DATABASE_FIELD.test(key) ? secret : withSecrets(entry, secret)]),
			);
		}
		return value;
	}

	it('removes every secret-named field at any depth, keeps every other one, never throws', () => {
		fc.assert(
			fc.property(tree, (value) => {
				const clean = withoutSecretFields(value);
				expect(keysOf(clean).filter(isSecretFieldName)).toEqual([]);
				// Nothing else changes: the input with its secret fields dropped by hand.
				const expected = JSON.parse(JSON.stringify(value, (key, entry) => (key !== '' && isSecretFieldName(key) ? undefined : entry)));
				expect(clean).toEqual(expected);
			}),
			{ numRuns: RUNS },
		);
	});

	it('leaves no secret that was under a secret-named or a db-* field (as Installatron listings are cleaned)', () => {
		fc.assert(
			fc.property(tree, secretArb, (value, secret) => {
				expect(JSON.stringify(withoutSecretFields(withSecrets(value, secret), DATABASE_FIELD)) ?? '').not.toContain(secret);
			}),
			{ numRuns: RUNS },
		);
	});

	it('does not change its input', () => {
		fc.assert(
			fc.property(tree, (value) => {
				const before = JSON.stringify(value);
				withoutSecretFields(value, DATABASE_FIELD);
				expect(JSON.stringify(value)).toBe(before);
			}),
			{ numRuns: 100 },
		);
	});
});

describe('redact', () => {
	const around = fc.string({ maxLength: 20 });
	/** Text around the secret ends in a separator, as it does in messages (", key X", "key=X"). */
	const textWithSecrets = fc
		.tuple(fc.array(fc.tuple(around, fc.boolean()), { minLength: 1, maxLength: 5 }), around)
		.map(([parts, tail]) => parts.map(([text, withSecret]) => `${text}${withSecret ? MARK : ''}`).join(' ') + tail);

	it('removes every secret of 4 characters or more, wherever it is', () => {
		fc.assert(
			fc.property(textWithSecrets, secretArb, secretArb, (text, secret, other) => {
				const clean = redact(plant(text, secret), [other, secret]);
				expect(clean).not.toContain(secret);
			}),
			{ numRuns: RUNS },
		);
	});

	it('keeps only the origin of every http(s) URL that follows a space, quote, bracket or "="', () => {
		fc.assert(
			fc.property(
				around,
				fc.constantFrom(' ', '"', "'", '(', '<', '=', ': ', '\n'),
				// Quotes inside the URL: see the failing case below.
				fc.webUrl({ withQueryParameters: true, withFragments: true }).filter((url) => !/['"]/.test(url)),
				fc.stringMatching(/^[A-Za-z0-9]{12,24}$/),
				around,
				(before, separator, url, token, after) => {
					const link = `${url.replace(/[/?#]+$/, '')}/login/${token}`;
					const clean = redact(`${before}${separator}${link} ${after}`, []);
					expect(clean).not.toContain(token);
					expect(clean).toContain(`${new URL(link).protocol}//`);
				},
			),
			{ numRuns: RUNS },
		);
	});

	it('hides bearer and basic tokens', () => {
		fc.assert(
			fc.property(around, fc.constantFrom('Bearer', 'bearer', 'Basic'), fc.stringMatching(/^[A-Za-z0-9._~+/=-]{8,40}$/), (before, scheme, token) => {
				fc.pre(!before.includes(token));
				expect(redact(`${before} Authorization: ${scheme} ${token}`, [])).not.toContain(token);
			}),
			{ numRuns: RUNS },
		);
	});

	// A URL glued to a word character ("url:https://…" is fine, "Locationhttps://…" or
	// "redirect_https://…" is not) escapes the `\b` the URL pattern starts with.
	it('hides a login URL even when a word character touches it', () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[A-Za-z0-9_]$/), fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), (glue, token) => {
				expect(redact(`redirect${glue}https://example.com/login/${token}`, [])).not.toContain(token);
			}),
			{ numRuns: 20 },
		);
	});

	// The URL pattern ends at a quote, so in `https://shop.example/o'brien/login/TOKEN` (an
	// apostrophe is legal in a path or query) everything after the quote stays, token included.
	it('hides a login URL past a quote inside it', () => {
		fc.assert(
			fc.property(fc.constantFrom("o'brien", "it's", "x'"), fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), (segment, token) => {
				expect(redact(`failed: https://shop.example/${segment}/login/${token}`, [])).not.toContain(token);
			}),
			{ numRuns: 20 },
		);
	});

	it('never throws, on any text and any secrets', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }), (text, secrets) => {
				expect(typeof redact(text, secrets)).toBe('string');
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('toNodeApiError', () => {
	const node: INode = NODE;
	// README: the message says what failed in the provider's words. n8n's NodeApiError
	// replaces any message containing a Node error code (EEXIST, EPERM, ENOENT, … in any case)
	// with its own sentence: "A preexisting SSO session …" becomes "The file or directory
	// already exists".
	it("keeps the provider's words, even those that contain a Node error code", () => {
		fc.assert(
			fc.property(fc.constantFrom('A preexisting SSO session blocks this login.', 'The deepermost folder is locked.', 'Remove the preexisting token first.'), (message) => {
				const error = toNodeApiError(node, { provider: HOSTUP, code: 'conflict', httpCode: 409, message }, []);
				expect(error.message).toBe(message);
			}),
			{ numRuns: 10 },
		);
	});

	it('redacts message and description with any secrets given', () => {
		fc.assert(
			fc.property(secretArb, fc.string(), fc.string(), (secret, message, description) => {
				const error = toNodeApiError(
					node,
					{ provider: WISECP, code: 'wisecp_error', httpCode: 500, message: `${message}${secret}`, description: `${secret}${description}` },
					[secret],
				);
				expect(errorSurface(error)).not.toContain(secret);
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('valueAtPath (Custom provider)', () => {
	/** A dot path that exists in the value, with what is there. */
	function pathsOf(value: unknown, prefix = ''): Array<[string, unknown]> {
		const found: Array<[string, unknown]> = prefix ? [[prefix, value]] : [];
		if (value !== null && typeof value === 'object') {
			for (const [key, entry] of Object.entries(value)) {
				if (key === '' || key.includes('.')) continue;
				found.push(...pathsOf(entry, prefix ? `${prefix}.${key}` : key));
			}
		}
		return found;
	}

	it('never throws, on any value and any path', () => {
		fc.assert(
			fc.property(fc.oneof(jsonArb, fc.anything()), fc.string(), (value, path) => {
				valueAtPath(value, path);
			}),
			{ numRuns: RUNS },
		);
	});

	it('reads what is at every existing path; an empty path is the value itself', () => {
		fc.assert(
			fc.property(jsonArb, (value) => {
				expect(valueAtPath(value, '')).toBe(value);
				for (const [path, expected] of pathsOf(value)) expect(valueAtPath(value, path)).toBe(expected);
			}),
			{ numRuns: RUNS },
		);
	});

	// The answer is parsed JSON; a path through something that is not there should be
	// undefined, but Object.prototype members are read: "constructor" gives a function, which
	// a Success or Error Message Path then turns into "function Object() { [native code] }".
	it('finds nothing that is not in the JSON (Object.prototype members included)', () => {
		fc.assert(
			fc.property(fc.dictionary(fc.string({ maxLength: 5 }), jsonArb, { maxKeys: 3, noNullPrototype: true }), fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'valueOf'), (value, key) => {
				fc.pre(!Object.prototype.hasOwnProperty.call(value, key));
				expect(valueAtPath(value, key)).toBeUndefined();
			}),
			{ numRuns: 30 },
		);
	});
});
