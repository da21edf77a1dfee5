/**
 * Addresses and networks as DirectAdmin's `allowNetworks` takes them (its
 * Swagger's examples: `10.11.12.13/32`, `234.234.234.192/26`,
 * `2001:db8:dead:cafe::/96`, and plain addresses). Strict: anything else is
 * refused before a link is minted, since a typo here would either lock the
 * person out or, worse, be read as a wider network than meant.
 */

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

/** A dotted-quad IPv4 address: four numbers 0–255, no leading zeros. */
export function isIPv4(text: string): boolean {
	return IPV4.test(text);
}

/**
 * An IPv6 address in any of RFC 4291's text forms (full, `::`-compressed,
 * with a dotted IPv4 tail); no zone (`%eth0`), which a network cannot carry.
 */
export function isIPv6(text: string): boolean {
	if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return false;
	let groups = text;
	if (text.includes('.')) {
		// A dotted IPv4 tail counts as the last two groups.
		const lastColon = text.lastIndexOf(':');
		if (!isIPv4(text.slice(lastColon + 1))) return false;
		groups = `${text.slice(0, lastColon + 1)}0:0`;
	}
	const halves = groups.split('::');
	if (halves.length > 2) return false;
	const split = (half: string) => (half === '' ? [] : half.split(':'));
	const parts = halves.flatMap(split);
	if (!parts.every((part) => HEXTET.test(part))) return false;
	return halves.length === 2 ? parts.length <= 7 : parts.length === 8;
}

/** An IPv4 or IPv6 address, or a network in CIDR notation (`address/prefix`, prefix 0–32 or 0–128). */
export function isNetwork(text: string): boolean {
	const slash = text.indexOf('/');
	const address = slash < 0 ? text : text.slice(0, slash);
	const v4 = isIPv4(address);
	if (!v4 && !isIPv6(address)) return false;
	if (slash < 0) return true;
	const prefix = text.slice(slash + 1);
	return /^(?:0|[1-9]\d{0,2})$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}
