import { MAX_NOTICE_USERS, readJobEventNotice } from './job-event';

describe(readJobEventNotice.name, () => {
  it.each([
    ['a batch notice', { userIds: ['u1', 'u2'] }, { userIds: ['u1', 'u2'] }],
    ["an earlier worker's single-user notice", { userId: 'u1' }, { userIds: ['u1'] }],
    ['the most users one notice may name', { userIds: Array.from({ length: MAX_NOTICE_USERS }, (_, i) => `u${i}`) }, { userIds: Array.from({ length: MAX_NOTICE_USERS }, (_, i) => `u${i}`) }],
  ])('reads %s', (_label, data, notice) => {
    expect(readJobEventNotice(data)).toEqual(notice);
  });

  it.each([
    ['no users', { userIds: [] }],
    ['more users than a notice may name', { userIds: Array.from({ length: MAX_NOTICE_USERS + 1 }, (_, i) => `u${i}`) }],
    ['a user id that is not a string', { userIds: ['u1', 42] }],
    ['an empty user id', { userIds: [''] }],
    ['a user id over 128 characters', { userId: 'u'.repeat(129) }],
    ['userIds that is not an array (a userId beside it does not count)', { userIds: 'u1', userId: 'u1' }],
    ['not an object', 'u1'],
    ['null', null],
  ])('drops %s', (_label, data) => {
    expect(readJobEventNotice(data)).toBeUndefined();
  });
});
