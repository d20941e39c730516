import { ObjectStore } from '@app/aws';
import { Injectable } from '@nestjs/common';
import type { ExistingCluster } from './add-node-result.builder';
import type { GraphSource } from './graph-file';
import { readAddNodeBatch, readBundleFile } from './source-files';

/** Reads request inputs from and writes result files to the payload bucket. */
@Injectable()
export class BundleStore {
  constructor(private readonly store: ObjectStore) {}

  /** Every JSON file under the bundle prefix: conversations first, then notes. */
  async readGraphInput(prefix: string): Promise<GraphSource[]> {
    const keys = (await this.store.list(prefix)).filter((key) => key.endsWith('.json'));
    const files = await Promise.all(keys.map(async (key) => readBundleFile(key, await this.store.getJson(key))));
    const conversations = files.filter((file) => file.kind === 'conversations').flatMap((file) => file.sources);
    const notes = files.filter((file) => file.kind === 'notes').flatMap((file) => file.sources);
    if (conversations.length + notes.length === 0) throw new Error(`no conversations or notes under ${prefix}`);
    return [...conversations, ...notes];
  }

  async readAddNodeBatch(key: string): Promise<{ sources: GraphSource[]; existing: ExistingCluster[] }> {
    const batch = readAddNodeBatch(key, await this.store.getJson(key));
    if (batch.sources.length === 0) throw new Error(`${key}: the batch has no conversations or notes`);
    return batch;
  }

  async readJson(key: string): Promise<unknown> {
    return this.store.getJson(key);
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    await this.store.put(key, JSON.stringify(value), 'application/json');
  }
}
