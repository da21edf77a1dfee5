/**
 * Plesk's pure parts on arbitrary input: the User IP validator against the
 * address forms it promises, the XML escaping (a value can never add an
 * element: whatever goes in comes back as one text), the strict XML reader
 * (never throws anything but its own syntax error), and the error parser (an
 * HTTP 200 packet that says error is a failure, and no secret in it survives
 * toNodeApiError). Then, through real executions fed by expressions, what the
 * node accepts as User IP reaches Plesk exactly, and what it refuses fails
 * before any request.
 */
import { isIP } from 'node:net';

import fc from 'fast-check';
import { NodeApiError } from 'n8n-workflow';

import { toNodeApiError } from '../../nodes/shared/errors';
import { createSessionPacket, parsePleskFailure } from '../../nodes/providers/plesk/api';
import { isIpAddress, isIpv4, isIpv6 } from '../../nodes/providers/plesk/ip';
import { XmlSyntaxError, buildXml, escapeXml, isXmlText, parseXml } from '../../nodes/providers/plesk/xml';
import { byId } from '../helpers/assertions';
import { runNode } from '../helpers/n8n';
import { PLESK_ADMIN } from '../sandbox/plesk';
import { Sandbox } from '../sandbox/server';
import { NODE, errorSurface, secretArb } from './arbitraries';

const RUNS = 400;

/** Text XML can carry: any string without the control characters XML 1.0 forbids. */
const xmlTextArb = fc.string({ unit: 'grapheme', maxLength: 40 }).filter(isXmlText);
/** Text full of markup: the characters that would end a value or start an element. */
const markupArb = fc.stringMatching(/^[<>&"'/a-z=;#x0-9 ]{0,40}$/);

describe('User IP: one IPv4 or IPv6 address, nothing else', () => {
	it('accepts every IPv4 and IPv6 address fast-check writes', () => {
		fc.assert(fc.property(fc.ipV4(), (ip) => expect(isIpv4(ip) && isIpAddress(ip)).toBe(true)), { numRuns: RUNS });
		fc.assert(fc.property(fc.ipV6(), (ip) => expect(isIpv6(ip) && isIpAddress(ip)).toBe(true)), { numRuns: RUNS });
	});

	it("agrees with Node's reading of addresses, minus zones (%eth0), which Plesk cannot bind a browser to", () => {
		const addressish = fc.stringMatching(/^[0-9a-fA-F:.%]{0,45}$/);
		fc.assert(
			fc.property(fc.oneof(addressish, fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (text) => {
				expect(isIpAddress(text)).toBe(isIP(text) !== 0 && !text.includes('%'));
			}),
			{ numRuns: RUNS * 4 },
		);
	});

	it('refuses a list, brackets or spaces around any address, and an IPv4 address with a port', () => {
		fc.assert(
			fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.constantFrom((ip: string) => `${ip}, 10.0.0.1`, (ip: string) => `[${ip}]`, (ip: string) => ` ${ip}`), (ip, wrap) => {
				expect(isIpAddress(wrap(ip))).toBe(false);
			}),
			{ numRuns: RUNS },
		);
		// An IPv6 address with ":443" after it can be another IPv6 address; a port there needs brackets, refused above.
		fc.assert(fc.property(fc.ipV4(), (ip) => expect(isIpAddress(`${ip}:443`)).toBe(false)), { numRuns: RUNS });
	});
});

describe('XML escaping and reading', () => {
	it('a value comes back as exactly one text, whatever markup it holds', () => {
		fc.assert(
			fc.property(fc.oneof(xmlTextArb, markupArb), (value) => {
				const element = parseXml(buildXml({ name: 'login', text: value }));
				expect(element).toEqual({ name: 'login', attributes: {}, children: [], text: value });
				expect(escapeXml(value)).not.toMatch(/[<>"']/);
			}),
			{ numRuns: RUNS },
		);
	});

	it('a create_session packet holds one login and one user_ip, carrying exactly the values given', () => {
		fc.assert(
			fc.property(fc.oneof(xmlTextArb, markupArb), fc.oneof(fc.ipV4(), fc.ipV6()), fc.oneof(xmlTextArb, markupArb), (login, ip, source) => {
				const packet = parseXml(createSessionPacket(login, ip, source));
				const session = packet.children[0].children[0];
				expect(packet.children.map((entry) => entry.name)).toEqual(['server']);
				expect(session.children.map((entry) => [entry.name, entry.text])).toEqual([
					['login', login],
					['data', ''],
				]);
				expect(session.children[1].children.map((entry) => [entry.name, entry.text])).toEqual([
					['user_ip', ip],
					['source_server', source],
				]);
			}),
			{ numRuns: RUNS },
		);
	});

	it('the reader never throws anything but its syntax error', () => {
		const pieces = fc.constantFrom('<', '>', '/', '?', '!', '--', '[CDATA[', ']]>', '&', ';', '#x41', '"', "'", '=', 'a', 'packet', ' ', '&amp;', '<?xml version="1.0"?>', '<!DOCTYPE x>');
		fc.assert(
			fc.property(fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join('')), (text) => {
				try {
					parseXml(text);
				} catch (error) {
					expect(error).toBeInstanceOf(XmlSyntaxError);
				}
			}),
			{ numRuns: RUNS * 2 },
		);
	});
});

describe('parsePleskFailure', () => {
	const packetArb = fc.record({
		kind: fc.constantFrom('system', 'result'),
		errcode: fc.oneof(fc.constantFrom('1001', '1006', '1013', '1014', '11003'), fc.stringMatching(/^[^<&]{0,8}$/)),
		status: fc.constantFrom(200, 200, 200, 429, 500, 502),
		before: fc.string({ maxLength: 10 }),
		after: fc.string({ maxLength: 10 }),
	});
	const bodyOf = (entry: { kind: string; errcode: string }, errtext: string) => {
		const error = `<status>error</status><errcode>${escapeXml(entry.errcode)}</errcode><errtext>${escapeXml(errtext)}</errtext>`;
		return entry.kind === 'system'
			? `<?xml version="1.0"?><packet><system>${error}</system></packet>`
			: `<packet><server><create_session><result>${error}</result></create_session></server></packet>`;
	};

	it('a packet that says error is a failure with its HTTP status, and no secret in its words survives as an n8n error', () => {
		fc.assert(
			fc.property(secretArb, packetArb, (secret, entry) => {
				const text = `${entry.before}${secret}${entry.after}`;
				fc.pre(isXmlText(text));
				const failure = parsePleskFailure({ status: entry.status, headers: {}, json: undefined, text: bodyOf(entry, text) });
				expect(failure?.provider.id).toBe('plesk');
				expect(failure?.httpCode).toBe(entry.status);
				const error = toNodeApiError(NODE, failure!, [secret]);
				expect(error).toBeInstanceOf(NodeApiError);
				expect(errorSurface(error)).not.toContain(secret);
			}),
			{ numRuns: RUNS },
		);
	});

	it('never throws on any body; what is not an XML packet is never a success', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 60 }), fc.constantFrom(200, 404, 500), (text, status) => {
				const failure = parsePleskFailure({ status, headers: {}, json: undefined, text });
				if (!text.includes('<packet')) expect(failure).toBeDefined();
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('User IP through expressions, in real executions', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await Sandbox.start();
	});
	afterAll(async () => sandbox.close());

	it('an accepted address reaches Plesk exactly; a refused one fails before any request, naming the parameter', async () => {
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 }), fc.ipV4Extended()), async (ip) => {
				sandbox.reset();
				const run = await runNode({
					type: 'plesk',
					parameters: { resource: 'customer', operation: 'createSsoLink', login: byId('acme'), userIp: '={{ $json.ip }}' },
					credentials: { pleskApi: { baseUrl: sandbox.baseUrl('plesk'), authentication: 'password', login: PLESK_ADMIN.login, password: PLESK_ADMIN.password } },
					items: [{ ip }],
				});
				if (isIpAddress(ip.trim())) {
					expect(run.error).toBeUndefined();
					expect(sandbox.plesk.sessions).toHaveLength(1);
					expect(sandbox.plesk.sessions[0].userIpSent).toBe(ip.trim());
				} else {
					expect(run.error?.message).toMatch(/^Invalid "User IP"/);
					expect(sandbox.requests).toHaveLength(0);
				}
			}),
			{ numRuns: 60 },
		);
	}, 60_000);
});
