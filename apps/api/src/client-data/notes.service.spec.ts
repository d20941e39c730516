import { type SourcesRepository } from '@app/database';
import { ApiException } from '../http/api.exception';
import { NotesService } from './notes.service';

const AT = new Date('2026-01-02T03:04:05.678Z');

function serviceWith(outcome: unknown) {
  const insertNew = jest.fn().mockResolvedValue(outcome);
  return { service: new NotesService({ insertNew } as unknown as SourcesRepository), insertNew };
}

const rejection = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => (error instanceof ApiException ? { status: error.getStatus(), code: error.code, details: error.details } : error),
  );

describe(NotesService.name, () => {
  describe('create', () => {
    it('stores the note with its folder; an absent id is note-<ULID>, an absent title Untitled', async () => {
      const { service, insertNew } = serviceWith({ stored: true, importedAt: AT });

      const view = await service.create('u1', { content: '' });

      expect(view).toEqual({
        id: expect.stringMatching(/^note-[0-9A-HJKMNP-TV-Z]{26}$/) as unknown,
        title: 'Untitled',
        content: '',
        folderId: null,
        createdAt: AT.toISOString(),
        updatedAt: AT.toISOString(),
        deletedAt: null,
      });
      expect(insertNew).toHaveBeenCalledWith('u1', [{ kind: 'note', id: view.id, title: 'Untitled', content: '', folderId: null }]);
    });

    it('answers 409 NOTE_EXISTS when the id is stored', async () => {
      const { service } = serviceWith({ stored: false, conflicts: [0] });

      expect(await rejection(service.create('u1', { id: 'n', content: 'x' }))).toEqual({ status: 409, code: 'NOTE_EXISTS', details: ['id is already stored'] });
    });
  });

  describe('createMany', () => {
    it('derives missing titles from the first line and keeps folders', async () => {
      const { service, insertNew } = serviceWith({ stored: true, importedAt: AT });

      const views = await service.createMany('u1', [
        { id: 'a', content: '# Weekly sync\n- goals', folderId: 'f1' },
        { id: 'b', title: 'Plan', content: 'x' },
        { id: 'c', content: '' },
      ]);

      expect(views.map(({ title, folderId }) => ({ title, folderId }))).toEqual([
        { title: '# Weekly s...', folderId: 'f1' },
        { title: 'Plan', folderId: null },
        { title: 'Untitled', folderId: null },
      ]);
      expect(insertNew).toHaveBeenCalledTimes(1);
    });

    it('refuses an id given twice with 409 DUPLICATE_ID, storing nothing', async () => {
      const { service, insertNew } = serviceWith({ stored: true, importedAt: AT });

      expect(await rejection(service.createMany('u1', [{ id: 'a', content: '' }, { content: '' }, { id: 'a', content: '' }]))).toEqual({
        status: 409,
        code: 'DUPLICATE_ID',
        details: ['notes[2].id repeats notes[0].id'],
      });
      expect(insertNew).not.toHaveBeenCalled();
    });

    it('names the positions already stored', async () => {
      const { service } = serviceWith({ stored: false, conflicts: [1] });

      expect(await rejection(service.createMany('u1', [{ id: 'a', content: '' }, { id: 'b', content: '' }]))).toEqual({
        status: 409,
        code: 'NOTE_EXISTS',
        details: ['notes[1].id is already stored'],
      });
    });
  });
});
