import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURES_DIR } from '../../../libs/queue-contracts/test/golden-contract';

export function contractText(relativePath: string): string {
  return readFileSync(resolve(FIXTURES_DIR, relativePath), 'utf8');
}

export function contractJson(relativePath: string): unknown {
  return JSON.parse(contractText(relativePath)) as unknown;
}

/** notes.json of a bundle, in the AI's shape: {source_nodes: [...]}. */
export function notesFile(count: number): unknown {
  return {
    source_nodes: Array.from({ length: count }, (_, index) => ({
      id: `note-${index + 1}`,
      title: index % 2 === 0 ? 'Tooltips for D3 charts' : 'Growing tomatoes on a balcony',
      sections: [{ id: 's1', content: 'text' }, { id: 's2', content: 'more' }],
      source_type: 'markdown',
    })),
  };
}

/** A ChatGPT export with `count` conversations and varied titles. */
export function conversationsFile(count: number): unknown[] {
  const titles = ['Scatter plots with D3', '김치찌개 레시피', 'Rust lifetimes explained', 'Trip to Jeju', 'Sourdough starter', 'Postgres indexes'];
  return Array.from({ length: count }, (_, index) => ({
    id: `conv-${index + 1}`,
    title: `${titles[index % titles.length]}${index >= titles.length ? ` ${index}` : ''}`,
    create_time: 1732250000 + index * 3600,
    update_time: 1732250000 + index * 3600 + 60,
    mapping: {
      u: { id: 'u', message: { id: 'u', author: { role: 'user' }, content: { content_type: 'text', parts: ['question'] } }, parent: null, children: ['a'] },
      a: { id: 'a', message: { id: 'a', author: { role: 'assistant' }, content: { content_type: 'text', parts: ['answer'] } }, parent: 'u', children: [] },
    },
  }));
}
