import { bearer } from '../../test/api-test-app';
import { describeBodyGate, NOTE_CASES, ROUTES, SECRET } from '../../test/body-gate';
import { MAX_NOTES_PER_REQUEST } from '../sources/import-notes.dto';

describeBodyGate('JSON body gate: small JSON bodies (notes, generate, add-node, summary)', ['sources notes', 'generate', 'add-node', 'summary'], ({ api, nextUser, post }) => {
  it('names a repeated note id by its position', async () => {
    const problem = (await (await post(ROUTES['sources notes'].path, nextUser(), NOTE_CASES[0].body(''))).json()) as { errors?: string[] };
    expect(problem.errors).toEqual(['notes[2].id repeats notes[0].id']);
  });

  it(`takes ${MAX_NOTES_PER_REQUEST} notes in one request`, async () => {
    const notes = Array.from({ length: MAX_NOTES_PER_REQUEST }, (_, index) => ({ id: `n-${index}`, title: 't', content: '' }));
    const response = await post(ROUTES['sources notes'].path, nextUser(), Buffer.from(JSON.stringify({ notes })));
    expect(response.status).toBe(201);
    expect(((await response.json()) as { imported: number }).imported).toBe(MAX_NOTES_PER_REQUEST);
  });

  it('refuses a path that is not valid percent-encoding without echoing it (but in the problem instance)', async () => {
    const response = await fetch(`${api().base}/v1/jobs/${SECRET}%ZZ`, { headers: bearer(nextUser()) });
    const problem = (await response.json()) as { code: string; detail: string; instance: string };
    expect(response.status).toBe(400);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(problem).toMatchObject({ code: 'INVALID_PATH', instance: `/v1/jobs/${SECRET}%ZZ` });
    expect(problem.detail).not.toContain(SECRET);
  });
});
