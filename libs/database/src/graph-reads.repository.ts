import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';

/** What the web client reads of the user's graph: stats (status from the job ledger) and the snapshot. */
@Injectable()
export class GraphReadsRepository {
  constructor(protected readonly database: DatabaseService) {}
}
