/**
 * The little XML this provider needs, written here rather than taken from a
 * library (the bundle carries zod only): packets built from names this code
 * chooses and values it escapes, and answers read strictly into plain objects
 * that zod schemas then check.
 */

/** An element to send: its name (always a constant of this code), attributes, and text or child elements. */
export interface XmlNode {
	name: string;
	attributes?: Record<string, string>;
	children?: Array<XmlNode | undefined>;
	text?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Whether XML 1.0 can carry this text (escaped): none of the control
 * characters it forbids (all below 32 but tab, line feed and carriage
 * return), nor U+FFFE, U+FFFF.
 */
export function isXmlText(text: string): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0xfffe || code === 0xffff) return false;
	}
	return true;
}

/**
 * Text and attribute values with every character that could end them or
 * start markup written as a reference, so a value never adds an element.
 */
export function escapeXml(text: string): string {
	if (!isXmlText(text)) throw new Error('This text holds characters XML cannot carry');
	return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Writes an element; `undefined` children (options left out) are skipped. */
export function buildXml(node: XmlNode): string {
	if (!NAME.test(node.name)) throw new Error(`Not an XML element name: ${node.name}`);
	const attributes = Object.entries(node.attributes ?? {})
		.map(([name, value]) => {
			if (!NAME.test(name)) throw new Error(`Not an XML attribute name: ${name}`);
			return ` ${name}="${escapeXml(value)}"`;
		})
		.join('');
	const children = (node.children ?? []).filter((child): child is XmlNode => child !== undefined);
	const inner = children.length > 0 ? children.map(buildXml).join('') : escapeXml(node.text ?? '');
	return inner === '' ? `<${node.name}${attributes}/>` : `<${node.name}${attributes}>${inner}</${node.name}>`;
}

/** An element as read from an answer. */
export interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	/** The element's own text (entities resolved, CDATA included), without its children's. */
	text: string;
}

export class XmlSyntaxError extends Error {}

/** Deeper than any answer of this API; a guard against a body that only nests. */
const MAX_DEPTH = 64;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Reads one XML document: an optional `<?xml …?>` declaration, comments and
 * processing instructions around and inside, one root element with attributes,
 * nested elements, text, self-closing tags, CDATA, the five named entities and
 * numeric character references. A document type declaration is refused (it
 * could define entities); so is anything malformed.
 */
export function parseXml(source: string): XmlElement {
	let at = source.charCodeAt(0) === 0xfeff ? 1 : 0;
	const fail = (what: string): never => {
		throw new XmlSyntaxError(`${what} at character ${at}`);
	};
	const skipSpace = () => {
		while (at < source.length && /\s/.test(source[at])) at++;
	};
	const skipMisc = () => {
		for (;;) {
			skipSpace();
			if (source.startsWith('<!--', at)) {
				const end = source.indexOf('-->', at + 4);
				if (end < 0) fail('unterminated comment');
				at = end + 3;
			} else if (source.startsWith('<?', at)) {
				const end = source.indexOf('?>', at + 2);
				if (end < 0) fail('unterminated processing instruction');
				at = end + 2;
			} else if (source.startsWith('<!', at)) {
				fail('a document type declaration is not accepted');
			} else {
				return;
			}
		}
	};
	const readName = () => {
		const match = /^[A-Za-z_:][A-Za-z0-9_.:-]*/.exec(source.slice(at, at + 256));
		if (!match) fail('expected a name');
		at += (match as RegExpExecArray)[0].length;
		return (match as RegExpExecArray)[0];
	};
	const decode = (text: string) =>
		text.replace(/&([^;&\s]{0,10});?/g, (whole, entity: string) => {
			if (!whole.endsWith(';')) fail('an & that starts no reference');
			if (Object.hasOwn(ENTITIES, entity)) return ENTITIES[entity];
			const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(entity);
			const code = numeric ? parseInt(numeric[1] ?? numeric[2], numeric[1] ? 16 : 10) : Number.NaN;
			if (!Number.isInteger(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) fail(`unknown reference &${entity};`);
			const char = String.fromCodePoint(code);
			if (!isXmlText(char) || code === 0) fail(`reference to a character XML cannot carry &${entity};`);
			return char;
		});
	/** Text up to the next markup. */
	const readText = () => {
		const end = source.indexOf('<', at);
		const raw = source.slice(at, end < 0 ? source.length : end);
		at += raw.length;
		return raw;
	};

	const readElement = (depth: number): XmlElement => {
		if (depth > MAX_DEPTH) fail('elements nested too deep');
		if (source[at] !== '<') fail('expected an element');
		at++;
		const name = readName();
		const attributes: Record<string, string> = {};
		for (;;) {
			const before = at;
			skipSpace();
			if (source.startsWith('/>', at)) {
				at += 2;
				return { name, attributes, children: [], text: '' };
			}
			if (source[at] === '>') {
				at++;
				break;
			}
			if (at === before) fail('expected a space before an attribute');
			const attribute = readName();
			skipSpace();
			if (source[at] !== '=') fail('expected = after an attribute name');
			at++;
			skipSpace();
			const quote = source[at];
			if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
			const end = source.indexOf(quote, at + 1);
			if (end < 0) fail('unterminated attribute value');
			const value = source.slice(at + 1, end);
			if (value.includes('<')) fail('"<" in an attribute value');
			if (Object.hasOwn(attributes, attribute)) fail(`attribute ${attribute} given twice`);
			attributes[attribute] = decode(value);
			at = end + 1;
		}
		const children: XmlElement[] = [];
		let text = '';
		for (;;) {
			if (at >= source.length) fail(`element ${name} is not closed`);
			if (source.startsWith('</', at)) {
				at += 2;
				const closing = readName();
				if (closing !== name) fail(`</${closing}> closes <${name}>`);
				skipSpace();
				if (source[at] !== '>') fail('expected >');
				at++;
				return { name, attributes, children, text };
			}
			if (source.startsWith('<![CDATA[', at)) {
				const end = source.indexOf(']]>', at + 9);
				if (end < 0) fail('unterminated CDATA section');
				text += source.slice(at + 9, end);
				at = end + 3;
			} else if (source.startsWith('<!--', at) || source.startsWith('<?', at)) {
				skipMisc();
			} else if (source.startsWith('<!', at)) {
				fail('a declaration inside an element');
			} else if (source[at] === '<') {
				children.push(readElement(depth + 1));
			} else {
				const raw = readText();
				if (raw.includes(']]>')) fail('"]]>" in text');
				if (!isXmlText(raw)) fail('a character XML cannot carry');
				text += decode(raw);
			}
		}
	};

	skipMisc();
	const root = readElement(0);
	skipMisc();
	if (at < source.length) fail('content after the root element');
	return root;
}

/**
 * An element as a plain value for a zod schema: its text when it has no
 * child elements (`<cname/>` is ''), else an object of its children by name,
 * a name that appears more than once holding an array. Attributes are left
 * out: this API's answers carry their data in elements.
 */
export type PlainXml = string | { [name: string]: PlainXml | PlainXml[] };

export function toPlain(element: XmlElement): PlainXml {
	if (element.children.length === 0) return element.text;
	// No prototype: an element named __proto__ or constructor is just a name.
	const plain = Object.create(null) as { [name: string]: PlainXml | PlainXml[] };
	for (const child of element.children) {
		const value = toPlain(child);
		// toPlain never returns an array, so an array here holds repeated elements.
		const earlier = plain[child.name];
		if (earlier === undefined) plain[child.name] = value;
		else if (Array.isArray(earlier)) earlier.push(value);
		else plain[child.name] = [earlier, value];
	}
	return plain;
}
