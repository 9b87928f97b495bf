import { describe, expect, it } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import { installSectionPackages, typescriptBlocks } from './readme-blocks.js';

const fence = '```';

describe('typescriptBlocks', () => {
  it('takes every ts block, into its marked file or a numbered one', () => {
    const readme = [
      'text',
      `${fence}bash`,
      'npm test',
      fence,
      '<!-- fresh-app: src/a.ts -->',
      '',
      `${fence}ts`,
      'const a = 1;',
      fence,
      `${fence}ts`,
      'const b = 2;',
      'const c = 3;',
      fence,
    ].join('\n');
    expect(typescriptBlocks(readme)).toEqual([
      { file: 'src/a.ts', code: 'const a = 1;\n', line: 7 },
      { file: 'src/readme/block-2.ts', code: 'const b = 2;\nconst c = 3;\n', line: 10 },
    ]);
  });

  it('refuses a marker that no block follows, and an unterminated block', () => {
    expect(() => typescriptBlocks('<!-- fresh-app: src/a.ts -->\nsome text\n')).toThrow('line 1: fresh-app marker');
    expect(() => typescriptBlocks(`<!-- fresh-app: src/a.ts -->\n`)).toThrow('line 1: fresh-app marker');
    expect(() => typescriptBlocks(`${fence}ts\nconst a = 1;\n`)).toThrow('line 1: unterminated');
  });

  it('keeps the README to at most 30 KB (reference material lives in docs/)', () => {
    expect(statSync('README.md').size).toBeLessThanOrEqual(30 * 1024);
  });

  it('finds the provider, consumer and health apps in the README', () => {
    const files = typescriptBlocks(readFileSync('README.md', 'utf8')).map((b) => b.file);
    expect(files).toEqual(expect.arrayContaining(['src/provider.ts', 'src/consumer.ts', 'src/health.module.ts']));
  });
});

describe('installSectionPackages', () => {
  it('lists the packages of the install lines, without comments', () => {
    const readme = `# x\n## Install it in your app\n${fence}bash\nnpm install a b   # core\n# only:\nnpm install c # c\n${fence}\n## Next\nnpm install d\n`;
    expect(installSectionPackages(readme)).toEqual(['a', 'b', 'c']);
  });

  it('names what is missing', () => {
    expect(() => installSectionPackages('# x\n')).toThrow('no "## Install it in your app" section');
    expect(() => installSectionPackages('## Install it in your app\ntext\n')).toThrow('no `npm install` line');
  });

  it('reads the README: the package and its etcd client first', () => {
    expect(installSectionPackages(readFileSync('README.md', 'utf8')).slice(0, 3)).toEqual([
      'nest-service-registry',
      '@nestjs/schedule',
      'etcd3',
    ]);
  });
});
