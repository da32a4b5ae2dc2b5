/**
 * The keys that occur twice in one object of a JSON text (JSON.parse silently keeps the last). A scan of the
 * tokens that matter: objects, arrays and strings; the text is assumed to be valid JSON.
 */
export function duplicateKeys(text: string): string[] {
  const stack: { keys: Set<string> | null; expectKey: boolean }[] = [];
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push({ keys: null, expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.keys) top.expectKey = true;
    else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (text[j] !== '"') {
        if (text[j] === '\\') j++;
        value += text[j] ?? '';
        j++;
      }
      i = j;
      if (top?.keys && top.expectKey) {
        if (top.keys.has(value)) found.push(value);
        top.keys.add(value);
        top.expectKey = false;
      }
    }
  }
  return found;
}
