import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';

/** Deleting (restorably or for good) and restoring the user's graph and summary. */
@Injectable()
export class GraphLifecycleRepository {
  constructor(protected readonly database: DatabaseService) {}
}
