import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { asNodeError, invalidResponseFailure, networkFailure, redirectFailure, toNodeApiError } from './errors';
import type { ProviderFailure } from './errors';
import type { ProviderApi, RawResponse, RequestContext } from './provider';
import type { Answer, Permit } from './gate';
import { NotServed, PERSON_WAIT_MS, SAAS_API, TRAFFIC } from './gate';
import type { Outcome, RetryHistory, RetryPolicy } from './retry';
import {
	RETRYABLE_GET_STATUSES,
	RETRYABLE_NETWORK_CODES,
	budgetSpentFailure,
	decideRetry,
	tooLongWaitFailure,
	joinLines,
	rateLimitWait,
	readRateLimitHint,
} from './retry';
import { networkErrorCode, readFormBody, responseInError, toRawResponse } from './response';
import { RunStopped, runCredentials, runSettings } from './runSettings';
import { describeZodIssue } from './schemas';
import { NO_REDIRECTS } from './urls';

export interface ApiRequest<T> {
	/** A DELETE (revoking something) is repeated only on 429, like a mint. */
	method: 'GET' | 'POST' | 'DELETE';
	/** Appended to the provider's base URL; path segments must already be encoded. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** How the body is sent: JSON (default) or form-encoded. */
	bodyFormat?: 'json' | 'form';
	/**
	 * A body sent as it is, with its content type (an XML packet), instead of
	 * `body`. Whoever builds it has escaped what it holds.
	 */
	rawBody?: { contentType: string; text: string };
	/**
	 * The request creates something (a login link). It is then repeated only
	 * on 429, when the provider did not act, whatever its method. A POST always
	 * counts as minting.
	 */
	mints?: boolean;
	/**
	 * The request only reads, whatever its method: an API that takes every
	 * call as a form POST to one endpoint (an RPC-style API). Retried like a GET.
	 */
	reads?: boolean;
	/**
	 * How the success body is read before `schema` parses it: JSON (default),
	 * a form-encoded answer (`readFormBody`), as older APIs answer, or the
	 * body's text, for an API in another format (XML) whose schema reads it.
	 */
	answer?: AnswerFormat;
	/**
	 * The provider account this request acts as, through the provider's
	 * "login as" (ProviderApi.actingAs); default: the credential's own.
	 */
	actAs?: string;
	/** Parses the success body; the rest of the code sees only what it returns. */
	schema: ZodType<T, ZodTypeDef, unknown>;
	itemIndex?: number;
}

/**
 * The only place this package sends HTTP. Goes through n8n's
 * `httpRequestWithAuthentication`, so the credential adds auth and n8n's proxy
 * settings and execution cancellation apply. Each attempt takes its turn at
 * the endpoint's gate (gate.ts), is sent, classified, and retried or not as
 * decideRetry (retry.ts) says.
 */
export async function apiRequest<T>(
	ctx: RequestContext,
	api: ProviderApi,
	request: ApiRequest<T>,
): Promise<T> {
	const settings = runSettings(ctx);
	const { policy } = settings;
	const clock = TRAFFIC.clock;
	const credentials = await runCredentials(ctx, api.credentialType, request.itemIndex ?? 0);
	// Read now and again when failing: a token n8n fetches during the run lands in `credentials`.
	const secretsAtStart = secretValues(api, credentials);
	const fail = (failure: ProviderFailure) =>
		toNodeApiError(ctx.getNode(), failure, [...secretsAtStart, ...secretValues(api, credentials)], request.itemIndex);
	const baseUrl = api.baseUrl(credentials);
	const origin = safeOrigin(baseUrl);
	const signal = settings.signal ?? ('getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined);
	const options = httpOptions(api, request, baseUrl, credentials, policy, signal);
	const sendAs = actingCredentials(api, credentials, request.actAs);
	const gate = TRAFFIC.for(trafficKey(api, origin, credentials), api.traffic ?? SAAS_API);

	/** A stop of the run passes through as it is; a cancel says so. */
	const stopped = (error: unknown): Error => {
		if (signal?.aborted) {
			if (signal.reason instanceof RunStopped) return signal.reason;
			return new NodeOperationError(ctx.getNode(), 'The execution was cancelled', { itemIndex: request.itemIndex });
		}
		return asNodeError(ctx.getNode(), error);
	};

	let history: RetryHistory = { since: clock.now(), refusals: 0, retries: 0 };
	for (;;) {
		let permit: Permit;
		try {
			permit = await gate.acquire({
				signal,
				person: settings.person,
				// A person waits a few seconds at most; an item, after its first 429, what Max Retry Wait has left.
				deadline: settings.person ? history.since + PERSON_WAIT_MS : history.firstRefusedAt === undefined ? undefined : history.firstRefusedAt + policy.maxWaitSeconds * 1000,
				patienceMs: settings.person ? PERSON_WAIT_MS : policy.maxWaitSeconds * 1000,
				maxInFlight: settings.maxInFlight,
				since: history.since,
				firstAlone: api.renewsTokenOn401,
			});
		} catch (error) {
			if (error instanceof NotServed) throw fail(notServedFailure(api, error, history, clock.now(), policy, settings.person));
			throw stopped(error);
		}
		let response: RawResponse | undefined;
		let answer: Answer = {};
		let outcome: Outcome;
		try {
			const sent = await sendOnce(ctx, api, options, sendAs, signal);
			response = sent.response;
			if (!response) {
				if (signal?.aborted) throw stopped(sent.error);
				outcome = unreachable(api, origin, sent.error, policy);
			} else {
				const now = clock.now();
				outcome = classify(api, response, options.url, now, history.refusals);
				answer = { hint: readRateLimitHint(response.headers, now) };
				if (outcome.kind === 'refused') answer.refusal = { until: now + outcome.wait.ms, said: outcome.failure };
			}
		} finally {
			// Whatever happened, even a provider's parser meeting a body nobody foresaw.
			permit.done(answer);
		}
		if (signal?.aborted) throw stopped(undefined);
		const decision = decideRetry(outcome, history, clock.now(), policy, request.reads === true || (request.method === 'GET' && !request.mints));
		if (decision.kind === 'fail') throw fail(decision.failure);
		if (decision.kind === 'done') {
			const answered = response as RawResponse;
			const body = readAnswer(answered, request.answer ?? 'json');
			const parsed = request.schema.safeParse(body);
			if (parsed.success) return parsed.data;
			throw fail(invalidResponseFailure(api, answered, describeZodIssue(parsed.error), { expected: request.answer ?? 'json', read: body !== undefined }));
		}
		history = decision.history;
		try {
			// A refused request comes back no sooner than its provider asked, though the gate may let others go earlier.
			await clock.sleep(decision.waitMs, signal);
		} catch (error) {
			throw stopped(error);
		}
	}
}

export type AnswerFormat = 'json' | 'form' | 'text';

/** The success body as a request's schema reads it; undefined for a body that is not of its format. */
function readAnswer(response: RawResponse, format: AnswerFormat): unknown {
	if (format === 'text') return response.text ?? '';
	// An empty form answer is an empty form; anything else that is not a form is not one.
	if (format === 'form') return readFormBody(response.text) ?? ((response.text ?? '').trim() === '' ? {} : undefined);
	return response.json;
}

/** The credential data a request authenticates with: its own, or as the account it acts as. */
function actingCredentials(api: ProviderApi, credentials: ICredentialDataDecryptedObject, account: string | undefined): ICredentialDataDecryptedObject {
	if (account === undefined) return credentials;
	if (!api.actingAs) throw new Error(`${api.provider.displayName} cannot act as another account`);
	return api.actingAs(credentials, account);
}

function httpOptions<T>(
	api: ProviderApi,
	request: ApiRequest<T>,
	baseUrl: string,
	credentials: ICredentialDataDecryptedObject,
	policy: RetryPolicy,
	signal: AbortSignal | undefined,
): IHttpRequestOptions {
	const form = request.body !== undefined && request.bodyFormat === 'form';
	const raw = request.rawBody;
	return {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: raw ? raw.text : form ? formEncode(request.body as IDataObject) : request.body,
		headers: {
			Accept: 'application/json',
			...api.headers,
			...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
			...(raw ? { 'Content-Type': raw.contentType } : {}),
		},
		json: !raw && request.body !== undefined && !form,
		encoding: 'text',
		returnFullResponse: true,
		// A credential that renews its token must see n8n throw on a 401: the
		// throw makes n8n run `preAuthentication` again and repeat the call once.
		// n8n 2.x throws only the 401 with this; n8n 1.x takes any truthy value
		// as "ignore all" and hands the 401 back (asked again in sendOnce).
		ignoreHttpStatusErrors: api.renewsTokenOn401 ? { ignore: true, except: [401] } : true,
		timeout: policy.timeoutMs,
		...NO_REDIRECTS,
		skipSslCertificateValidation: api.skipSslCertificateValidation?.(credentials) ?? false,
		// In a node run n8n (1.x and 2.x) replaces this with the execution's
		// cancel signal: a cancelled execution aborts requests in flight, while a
		// run stopped by a failed item lets them finish and drops their answers.
		abortSignal: signal,
	};
}

/** One request and its answer, whatever its status, or what stopped any answer from coming. */
async function sendOnce(
	ctx: RequestContext,
	api: ProviderApi,
	options: IHttpRequestOptions,
	credentials: ICredentialDataDecryptedObject,
	signal: AbortSignal | undefined,
): Promise<{ response: RawResponse; error?: undefined } | { response?: undefined; error: unknown }> {
	const send = async (sendOptions: IHttpRequestOptions) =>
		toRawResponse(
			await ctx.helpers.httpRequestWithAuthentication.call(ctx, api.credentialType, sendOptions, {
				credentialsDecrypted: { id: '', name: '', type: api.credentialType, data: credentials },
			}),
		);
	try {
		const response = await send(options);
		// n8n 1.x handed a 401 back: ask again with every status thrown, so that
		// n8n renews the token and repeats the call once (as 2.x did already).
		// The provider did nothing on a 401.
		return { response: response.status === 401 && api.renewsTokenOn401 ? await send({ ...options, ignoreHttpStatusErrors: false }) : response };
	} catch (error) {
		// A status n8n threw (a 401 after its one token renewal) is an answer.
		const thrown = signal?.aborted ? undefined : responseInError(error);
		return thrown ? { response: thrown } : { error };
	}
}

/** An answer as the retry decision reads it: a success, a 429 and the wait it asks, or a failure. */
function classify(api: ProviderApi, response: RawResponse, url: string, now: number, refusals: number): Outcome {
	const redirected = unfollowedRedirect(api, response, url);
	if (redirected) return { kind: 'failed', failure: redirected, retryable: false };
	const failure = api.parseFailure(response);
	if (!failure) return { kind: 'success' };
	if (response.status === 429) return { kind: 'refused', failure, wait: rateLimitWait(response.headers, refusals, new Date(now)) };
	return { kind: 'failed', failure, retryable: RETRYABLE_GET_STATUSES.has(response.status) };
}

/** No answer came: the provider's own account (a token request it refused), or a network failure. */
function unreachable(api: ProviderApi, origin: string, error: unknown, policy: RetryPolicy): Outcome {
	const explained = api.parseThrownError?.(error);
	if (explained) return { kind: 'failed', failure: explained, retryable: false };
	const code = networkErrorCode(error);
	return { kind: 'failed', failure: networkFailure(api, origin, code, policy), retryable: code !== undefined && RETRYABLE_NETWORK_CODES.has(code) };
}

/**
 * A caller the gate could not serve in time: what the provider said holds for
 * everyone until it ends, so the answer is the provider's, with when to
 * retry, and no request was sent.
 */
function notServedFailure(api: ProviderApi, error: NotServed, history: RetryHistory, now: number, policy: RetryPolicy, person: boolean): ProviderFailure {
	const name = api.provider.displayName;
	const { said, until } = error;
	if (error.reason === 'deadline' && !person && said) return budgetSpentFailure(said, until, history.since, now, policy);
	if (until === undefined) {
		return {
			provider: api.provider,
			code: 'busy',
			httpCode: null,
			message: `${name} is busy: ${error.waiting} other request${error.waiting === 1 ? ' is' : 's are'} waiting for it; try again in a moment`,
			description: `Nothing was sent: this waited ${Math.round(PERSON_WAIT_MS / 1000)} s for its turn.`,
		};
	}
	const at = new Date(until).toISOString();
	const nothingSent = `Nothing was sent: until ${at} every request to ${name} with this credential that cannot wait that long fails at once, without asking ${name} again.`;
	// The same error as the request that was refused: the provider's words and when to retry.
	if (said) return { ...tooLongWaitFailure(said, { ms: until - now, source: 'retry-after', retryAt: new Date(until) }, policy), description: joinLines(said.description, nothingSent) };
	return {
		provider: api.provider,
		code: 'rate_limited',
		httpCode: 429,
		message: `${name}'s rate limit is used up until ${at}; retry then`,
		description: joinLines('The provider said so in its X-RateLimit-* headers.', nothingSent),
	};
}

/**
 * An error for a provider failure found after the transport returned (an
 * answer that lacks something, a follow-up that explains a refusal), redacted
 * with the credential's secrets like the transport's own.
 */
export async function providerError(
	ctx: RequestContext,
	api: ProviderApi,
	failure: ProviderFailure,
	itemIndex?: number,
): Promise<NodeApiError> {
	const credentials = await runCredentials(ctx, api.credentialType, itemIndex ?? 0);
	return toNodeApiError(ctx.getNode(), failure, secretValues(api, credentials), itemIndex);
}

function secretValues(api: ProviderApi, credentials: ICredentialDataDecryptedObject): string[] {
	return [
		...api.secretFields.map((field) => credentials[field]).filter((value): value is string => typeof value === 'string'),
		...(api.secretValues?.(credentials) ?? []),
	];
}

const trafficKeys = new WeakMap<ICredentialDataDecryptedObject, string>();

/**
 * Which traffic controller a request belongs to: the provider, the server
 * (its origin: a customer's server is one machine whatever the path) and who
 * is asking (the provider counts its limit per key or account). The
 * credential part is a one-way hash, so no secret is held in the key.
 */
function trafficKey(api: ProviderApi, origin: string, credentials: ICredentialDataDecryptedObject): string {
	// Hashed once per credential object: a run reads its credential once
	// (runCredentials), the object belongs to one credential type and so to one
	// provider, its origin comes from its own fields, and identity fields do
	// not change during use (provider.ts).
	let key = trafficKeys.get(credentials);
	if (key === undefined) {
		const identity = (api.identityFields ?? api.secretFields).map((field) => String(credentials[field] ?? ''));
		key = `${api.provider.id} ${createHash('sha256').update(JSON.stringify([api.provider.id, origin, ...identity])).digest('hex').slice(0, 32)}`;
		trafficKeys.set(credentials, key);
	}
	return key;
}

function formEncode(body: IDataObject): string {
	const form = new URLSearchParams();
	for (const [key, value] of Object.entries(body)) {
		if (value === undefined || value === null) continue;
		form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	return form.toString();
}

/**
 * A redirect answer as the failure it is: requests that carry a credential
 * never follow one (NO_REDIRECTS, redirectFailure), the nodes' and the
 * credential tests' alike. Undefined for any other answer.
 */
export function unfollowedRedirect(api: ProviderApi, response: RawResponse, url: string): ProviderFailure | undefined {
	if (response.status < 300 || response.status >= 400) return undefined;
	const location = response.headers.location;
	const value = Array.isArray(location) ? location[0] : location;
	let target: URL | undefined;
	try {
		target = typeof value === 'string' && value.trim() !== '' ? new URL(value, url) : undefined;
	} catch {
		target = undefined;
	}
	return redirectFailure(api, safeOrigin(url), response.status, target);
}

export function safeOrigin(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'the configured base URL';
	}
}
