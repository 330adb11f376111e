/**
 * Minimal XML well-formedness check for the JUnit output (no XML parser is a dependency): one root, tags
 * balanced and properly nested, attributes quoted, no raw `<` or stray `&` in text or attributes.
 * Returns the element names in document order.
 */
export function checkWellFormed(xml: string): string[] {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  const names: string[] = [];
  let pos = 0;
  let roots = 0;
  const checkText = (text: string) => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text))
      throw new Error(`bad character data: ${text.slice(0, 60)}`);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text.slice(0, 60)}`);
  };
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    checkText(body.slice(pos, m.index));
    pos = m.index + m[0].length;
    const [, close, name, attrs, selfClose] = m;
    for (const a of (attrs ?? '').matchAll(/="([^"]*)"/g)) checkText(stack.length === 0 ? '' : a[1]!);
    if (close) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    names.push(name!);
    if (!selfClose) stack.push(name!);
  }
  checkText(body.slice(pos));
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`expected one root element, found ${roots}`);
  return names;
}
