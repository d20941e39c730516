import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SourcesRepository } from '@app/database';
import { describeBodyGate, EXPORT, exportTemplate, fill, manyConversations, ROUTES } from '../../test/body-gate';
import { MAX_CONVERSATIONS_PER_EXPORT } from './chat-export-body';

describeBodyGate('JSON body gate: uploads (the test route, sources conversations)', ['test route', 'sources conversations'], ({ api, nextUser, post }) => {
  it('names every repeated conversation by its position, not its id', async () => {
    const body = Buffer.from(JSON.stringify([EXPORT[0], EXPORT[1], EXPORT[1], EXPORT[0]]));
    for (const route of [ROUTES['test route'], ROUTES['sources conversations']]) {
      const problem = (await (await post(route.path, nextUser(), body)).json()) as { errors?: string[] };
      expect(problem.errors).toEqual(['[2].id repeats [1].id', '[3].id repeats [0].id']);
    }
  });

  it('counts conversations before checking them: exactly the limit is not refused for its count', async () => {
    const response = await post(ROUTES['sources conversations'].path, nextUser(), Buffer.from(manyConversations(MAX_CONVERSATIONS_PER_EXPORT)));
    expect(((await response.json()) as { code: string }).code).toBe('INVALID_CONVERSATIONS'); // minimal objects without a mapping: the shape check ran
  });

  it('stores the export on the sources route exactly as sent: non-ASCII text and a real U+FFFD kept, nothing replaced', async () => {
    const userId = nextUser();
    const sent = [{ ...EXPORT[0], title: 'Semis de tomates \u{1F345} \uFFFD (sic)' }, EXPORT[1]];
    const response = await post(ROUTES['sources conversations'].path, userId, Buffer.from(JSON.stringify(sent)));
    expect(response.status).toBe(201);
    const stored = await api().app.get(SourcesRepository).listAll(userId);
    expect(stored.map((row) => row.content)).toEqual(expect.arrayContaining(sent));
    expect(stored.map((row) => row.title).sort()).toEqual(['Semis de tomates \u{1F345} \uFFFD (sic)', '된장찌개 레시피']);
  });

  it('stores on the test route the bytes the gate checked, byte for byte', async () => {
    const body = fill(exportTemplate, { mark: 'Tomates \u{1F345} \\u00e9 \\ud83c\\udf45' });
    const response = await post(ROUTES['test route'].path, nextUser(), body);
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    const { aws } = api();
    const object = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: `graph-generation/${taskId}/input.json` }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it.each(['/v1/sources/conversations/', '/V1/Sources/Conversations'])('reads an upload sent to %s (Express matches it) once, after authentication', async (variant) => {
    const response = await post(variant, nextUser(), Buffer.from(JSON.stringify(EXPORT)));
    expect(response.status).toBe(201);
  });
});
