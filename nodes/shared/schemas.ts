import { z } from 'zod';
import type { ZodTypeAny } from 'zod';

import { isHttpUrl } from './urls';

/**
 * The `provider` and `target` fields of every output: values each provider
 * declares in its own folder (README, "The link output" lists them). The core
 * checks their form only, so it names no provider and a per-service package
 * carries no other provider's values.
 */
const outputIdentifier = z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'not an identifier');

/**
 * A time as this package writes it (`Date.toISOString()`). A fixed pattern
 * rather than zod's `datetime()`, which builds its pattern again on every
 * parse: two parses per link, thousands of links per run.
 */
const isoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/, 'not an ISO 8601 time');

/** A login link as a provider returns it: an http(s) URL, nothing a browser would run. */
export const httpUrlSchema = z.string().refine(isHttpUrl, 'not an http(s) URL');

/**
 * The normalized output of every createSsoLink operation (README, "The link output"). Saved
 * workflows read these fields by name: add fields, never rename them.
 */
export const ssoLinkSchema = z
	.object({
		provider: outputIdentifier,
		target: outputIdentifier,
		resourceId: z.string().nullable(),
		// A login link is a web page: javascript:, data:, file: … are refused.
		url: httpUrlSchema,
		expiresAt: isoUtc.nullable(),
		expiresInSeconds: z.number().int().nonnegative().nullable(),
		singleUse: z.boolean().nullable(),
		createdAt: isoUtc,
	})
	.strict();
export type SsoLink = z.infer<typeof ssoLinkSchema>;

/**
 * A field of a mint answer that the link can do without (its lifetime, its
 * single use, an id the request already names): its value when present and
 * valid, otherwise null. By the time the provider answers it has minted the
 * link, so only the link itself may fail the answer; throwing the link away
 * over an extra would cost the user a second one (README, "The link output").
 */
export function readIfValid<T extends ZodTypeAny>(schema: T) {
	return schema.nullable().catch(null);
}

/** Ten years: longer than any login link lives. */
const LONGEST_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

/**
 * ISO 8601 as providers write it: a date, then optionally a time (after `T`
 * or a space) with an optional UTC offset (`Z`, `+02:00`, `-0530`, `+01`).
 */
const ISO_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** An HTTP date (RFC 9110 IMF-fixdate), always in GMT. */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * When a provider says its link expires, or undefined when the text is not a
 * time. A time without an offset is UTC: JavaScript's Date would read it in
 * the n8n host's zone, which has nothing to do with the provider's clock, and
 * would read loose texts ("Nov 26 2026 12:00", "1") the same way; neither is
 * taken here.
 */
export function readProviderTime(text: string): Date | undefined {
	const trimmed = text.trim();
	if (HTTP_DATE.test(trimmed)) return new Date(Date.parse(trimmed));
	const match = ISO_TIME.exec(trimmed);
	if (!match) return undefined;
	const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset = 'Z'] = match;
	const [y, mo, d, h, mi, sec] = [year, month, day, hour, minute, second].map(Number);
	if (h > 23 || mi > 59 || sec > 59) return undefined;
	const date = new Date(0);
	date.setUTCFullYear(y, mo - 1, d);
	date.setUTCHours(h, mi, sec, Number(fraction.padEnd(3, '0').slice(0, 3)));
	// Date rolls 2026-11-31 over into December: not a date.
	if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
	if (offset.toUpperCase() === 'Z') return date;
	const [, sign, offsetHours, offsetMinutes = '0'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset) as RegExpExecArray;
	if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
	const minutes = (Number(offsetHours) * 60 + Number(offsetMinutes)) * (sign === '-' ? -1 : 1);
	return new Date(date.getTime() - minutes * 60_000);
}

export interface MintedLink {
	url: string;
	/**
	 * What the link opens, where one SSO target mints several kinds (e.g. a
	 * panel's own login or its webmail); default: the target's `target`.
	 */
	target?: string;
	resourceId: string | null;
	/** A timestamp the provider gave, taken verbatim. */
	expiresAt?: string | null;
	/** A lifetime the provider gave (or documents); expiresAt is computed from it. */
	expiresInSeconds?: number | null;
	singleUse: boolean | null;
}

/**
 * Builds the normalized link. Unknown lifetime or single-use stays null: a
 * guess here would make a workflow trust a link longer than it lives. An
 * expiry time that cannot be read (or lies beyond any link's life) counts as
 * not given, so a lifetime given beside it still counts.
 */
export function normalizeSsoLink(
	provider: string,
	target: string,
	minted: MintedLink,
	now: Date = new Date(),
): SsoLink {
	let expiresAt: string | null = null;
	let expiresInSeconds: number | null = null;
	// A lifetime beyond any real link's (or a date JavaScript cannot hold) is
	// nonsense from the provider: reported as unknown rather than trusted.
	const plausible = (seconds: number) => Number.isFinite(seconds) && seconds >= 0 && seconds <= LONGEST_LIFETIME_SECONDS;
	const at = typeof minted.expiresAt === 'string' ? readProviderTime(minted.expiresAt) : undefined;
	const secondsLeft = at ? Math.round((at.getTime() - now.getTime()) / 1000) : Number.NaN;
	if (at && !Number.isNaN(secondsLeft) && secondsLeft <= LONGEST_LIFETIME_SECONDS) {
		expiresAt = at.toISOString();
		expiresInSeconds = Math.max(0, secondsLeft);
	} else if (typeof minted.expiresInSeconds === 'number' && plausible(minted.expiresInSeconds)) {
		expiresInSeconds = Math.round(minted.expiresInSeconds);
		expiresAt = new Date(now.getTime() + expiresInSeconds * 1000).toISOString();
	}
	return ssoLinkSchema.parse({
		provider,
		target,
		resourceId: minted.resourceId,
		url: minted.url,
		expiresAt,
		expiresInSeconds,
		singleUse: minted.singleUse,
		createdAt: now.toISOString(),
	});
}

/**
 * Field names that hold secrets in provider listings (a database password
 * such as `db-pass`, any password, secret, token or key). Listing outputs never carry them.
 */
const SECRET_FIELD = /(pass(word)?|passwd|secret|token|api[-_]?key|private[-_]?key)$/i;

export function isSecretFieldName(name: string): boolean {
	return SECRET_FIELD.test(name.replace(/[^a-z0-9]+$/i, ''));
}

/**
 * A deep copy of a listed resource without any field whose name says it holds a
 * secret, nor any field `alsoOmit` matches (a provider's own sensitive fields).
 */
export function withoutSecretFields<T>(value: T, alsoOmit?: RegExp): T {
	if (Array.isArray(value)) return value.map((entry) => withoutSecretFields(entry, alsoOmit)) as T;
	if (value !== null && typeof value === 'object') {
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
			if (!isSecretFieldName(key) && !alsoOmit?.test(key)) copy[key] = withoutSecretFields(entry, alsoOmit);
		}
		return copy as T;
	}
	return value;
}

/** Describes the first problem zod found, for an error message: "data[2].id: Required". */
export function describeZodIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return 'unexpected shape';
	const path = issue.path
		.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
		.join('');
	return `${path || '(body)'}: ${issue.message}`;
}
