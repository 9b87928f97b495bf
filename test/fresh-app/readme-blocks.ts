/** A TypeScript code block of the README and the file of the fresh app it is pasted into. */
export interface ReadmeBlock {
  /** Path inside the app: the block's `<!-- fresh-app: path -->` marker, else `src/readme/block-<n>.ts`. */
  readonly file: string;
  /** The block's code, as written. */
  readonly code: string;
  /** 1-based line of the opening fence, for error messages. */
  readonly line: number;
}

const MARKER = /^<!--\s*fresh-app:\s*(\S+)\s*-->$/;

/**
 * Every ```ts block of a README (or of a page of docs/), in order; an unnamed block goes to
 * `<unnamed>-<n>.ts`. A `<!-- fresh-app: path -->` line before a block (blank
 * lines between them allowed) names the file it goes to; a marker that is not followed by a block
 * is an error, so a README edit cannot silently drop a block from the test.
 */
export function typescriptBlocks(readme: string, unnamed = 'src/readme/block'): ReadmeBlock[] {
  const lines = readme.split('\n');
  const blocks: ReadmeBlock[] = [];
  let marker: { file: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const named = MARKER.exec(line.trim());
    if (named?.[1]) {
      if (marker) throw new Error(`README line ${marker.line}: fresh-app marker not followed by a \`\`\`ts block`);
      marker = { file: named[1], line: i + 1 };
      continue;
    }
    if (line.trim() === '') continue;
    if (line.trim() !== '```ts') {
      if (marker) throw new Error(`README line ${marker.line}: fresh-app marker not followed by a \`\`\`ts block`);
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    if (end < 0) throw new Error(`README line ${i + 1}: unterminated \`\`\`ts block`);
    const file = marker?.file ?? `${unnamed}-${blocks.length + 1}.ts`;
    blocks.push({ file, code: `${lines.slice(i + 1, end).join('\n')}\n`, line: i + 1 });
    marker = undefined;
    i = end;
  }
  if (marker) throw new Error(`README line ${marker.line}: fresh-app marker not followed by a \`\`\`ts block`);
  return blocks;
}

/**
 * The packages of every `npm install` line of the README's "Install it in your app" section
 * (comments dropped), in order: what a new user installs.
 */
export function installSectionPackages(readme: string): string[] {
  const start = readme.search(/^## Install it in your app/m);
  if (start < 0) throw new Error('README has no "## Install it in your app" section');
  const next = readme.slice(start + 1).search(/^## /m);
  const section = readme.slice(start, next < 0 ? undefined : start + 1 + next);
  const packages = section
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.startsWith('npm install '))
    .flatMap((line) => line.slice('npm install '.length).split(/\s+/).filter(Boolean));
  if (packages.length === 0) throw new Error('README\'s "Install it in your app" section has no `npm install` line');
  return packages;
}
