import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';

export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface TestAwsResources {
  readonly endpoint: string;
  readonly bucket: string;
  readonly requestQueueUrl: string;
  readonly resultQueueUrl: string;
  readonly resultDlqUrl: string;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  listKeys(prefix?: string): Promise<string[]>;
  destroy(): void;
}

export function testEndpoint(): string {
  const endpoint = process.env.TEST_AWS_ENDPOINT;
  if (!endpoint) throw new Error('TEST_AWS_ENDPOINT is not set: run through Jest, whose global setup starts the emulator');
  return endpoint;
}

/** A uniquely named bucket and request/result queues (the result queue behind a DLQ) on the test emulator. */
export async function createTestAwsResources(label: string): Promise<TestAwsResources> {
  const endpoint = testEndpoint();
  const suffix = `${label}-${randomBytes(4).toString('hex')}`;
  const s3 = new S3Client({ endpoint, region: TEST_REGION, forcePathStyle: true, credentials: TEST_CREDENTIALS });
  const sqs = new SQSClient({ endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
  const bucket = `payloads-${suffix}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `results-dlq-${suffix}` }));
  const dlqArn = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const result = await sqs.send(
    new CreateQueueCommand({
      QueueName: `results-${suffix}`,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn.Attributes?.QueueArn, maxReceiveCount: 3 }) },
    }),
  );
  const request = await sqs.send(new CreateQueueCommand({ QueueName: `requests-${suffix}` }));
  return {
    endpoint,
    bucket,
    requestQueueUrl: request.QueueUrl as string,
    resultQueueUrl: result.QueueUrl as string,
    resultDlqUrl: dlq.QueueUrl as string,
    s3,
    sqs,
    async listKeys(prefix?: string) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((object) => object.Key as string);
    },
    destroy() {
      s3.destroy();
      sqs.destroy();
    },
  };
}
