// Local AWS emulation for the embedded default and the tests: fauxqs serves
// SQS (JSON protocol) and S3 on one loopback port. fauxqs is ESM-only, which is
// why this module is .mjs and loaded by the launcher and Jest's global setup.
import { buildApp } from 'fauxqs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Starts fauxqs bound to loopback only; port 0 picks a free port. */
export async function startEmulator({ port = 0, host = '127.0.0.1' } = {}) {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port, host });
  return { endpoint: address, close: () => app.close() };
}

/**
 * Creates the payload bucket and both queues, each behind its own dead-letter
 * queue with a redrive policy, the way production is laid out.
 */
export async function provision({ endpoint, region = 'us-east-1', bucket, queues, maxReceiveCount = 5 }) {
  const sqs = new SQSClient({ endpoint, region, credentials: EMULATOR_CREDENTIALS });
  const s3 = new S3Client({ endpoint, region, forcePathStyle: true, credentials: EMULATOR_CREDENTIALS });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error) => {
      if (error?.name !== 'BucketAlreadyOwnedByYou' && error?.name !== 'BucketAlreadyExists') throw error;
    });
    const urls = {};
    for (const name of queues) {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      const main = await sqs.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: '60',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount }),
          },
        }),
      );
      urls[name] = main.QueueUrl;
      urls[`${name}-dlq`] = dlq.QueueUrl;
    }
    return urls;
  } finally {
    sqs.destroy();
    s3.destroy();
  }
}
