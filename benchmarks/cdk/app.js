// The benchmark's peer: the environment benchmarks/environment.py generates, as an AWS CDK app, synthesized with
// cdk-nag's AwsSolutions checks (CDK's built-in CloudFormation validator off).
//
//     node app.js N OUTDIR
//
// N services behind one ALB (even indexes on EC2 capacity, odd ones on Fargate; every fourth pulls from its own
// ECR repository and mounts a shared EFS access point), each with its log group, roles, target group, listener rule
// and CPU target tracking; for every four services one S3 -> EventBridge -> Fargate pipeline writing to DynamoDB,
// one scheduled Fargate task and one SQS queue worker scaled on its backlog. Prints the resources and seconds.

const started = process.hrtime.bigint();
process.env.CDK_VALIDATION = "false"; // CDK's own CloudFormation validator off: cdk-nag is the checker compared

const cdk = require("aws-cdk-lib");
const { RemovalPolicy, Stack, Validations } = cdk;
const ec2 = require("aws-cdk-lib/aws-ec2");
const ecs = require("aws-cdk-lib/aws-ecs");
const ecr = require("aws-cdk-lib/aws-ecr");
const efs = require("aws-cdk-lib/aws-efs");
const elbv2 = require("aws-cdk-lib/aws-elasticloadbalancingv2");
const autoscaling = require("aws-cdk-lib/aws-autoscaling");
const s3 = require("aws-cdk-lib/aws-s3");
const events = require("aws-cdk-lib/aws-events");
const targets = require("aws-cdk-lib/aws-events-targets");
const dynamodb = require("aws-cdk-lib/aws-dynamodb");
const sqs = require("aws-cdk-lib/aws-sqs");
const logs = require("aws-cdk-lib/aws-logs");
const { AwsSolutionsChecks } = require("cdk-nag");

const n = Number(process.argv[2] || 4);
const outdir = process.argv[3] || "cdk.out";
const pad = (i) => String(i).padStart(4, "0");

// One stack as the preflight checks one environment; past 500 resources CloudFormation would need nested stacks.
const app = new cdk.App({ outdir, context: { "@aws-cdk/core:stackResourceLimit": 0 } });
const stack = new Stack(app, "platform-dev", { env: { account: "123456789012", region: "eu-west-1" } });

const vpc = new ec2.Vpc(stack, "platform", { ipAddresses: ec2.IpAddresses.cidr("10.40.0.0/16"), maxAzs: 2,
  natGateways: 1 });
const cluster = new ecs.Cluster(stack, "cluster", { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
const capacity = new autoscaling.AutoScalingGroup(stack, "capacity", {
  vpc, instanceType: new ec2.InstanceType("t3.medium"), machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
  minCapacity: 1, maxCapacity: 4, requireImdsv2: true,
});
cluster.addAsgCapacityProvider(new ecs.AsgCapacityProvider(stack, "capacity-provider", { autoScalingGroup: capacity }));

const alb = new elbv2.ApplicationLoadBalancer(stack, "alb", { vpc, internetFacing: true, dropInvalidHeaderFields: true });
const listener = alb.addListener("alb-http", { port: 80, open: true,
  defaultAction: elbv2.ListenerAction.fixedResponse(404) });

const fileSystem = new efs.FileSystem(stack, "shared", { vpc, encrypted: true, removalPolicy: RemovalPolicy.DESTROY });
const accessPoint = fileSystem.addAccessPoint("assets", { path: "/assets",
  posixUser: { uid: "1000", gid: "1000" }, createAcl: { ownerUid: "1000", ownerGid: "1000", permissions: "750" } });

for (let i = 0; i < n; i++) {
  const name = `svc-${pad(i)}`;
  const ec2Launch = i % 2 === 0;
  const taskDefinition = ec2Launch
    ? new ecs.Ec2TaskDefinition(stack, `${name}-task`, { networkMode: ecs.NetworkMode.AWS_VPC })
    : new ecs.FargateTaskDefinition(stack, `${name}-task`, { cpu: 256, memoryLimitMiB: 512 });
  let image = ecs.ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:1.27");
  if (i % 4 === 1) {
    const repository = new ecr.Repository(stack, `${name}-repo`, { repositoryName: name, imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE });
    image = ecs.ContainerImage.fromEcrRepository(repository, "1.0.0");
    taskDefinition.addVolume({ name: "assets", efsVolumeConfiguration: { fileSystemId: fileSystem.fileSystemId,
      transitEncryption: "ENABLED", authorizationConfig: { accessPointId: accessPoint.accessPointId, iam: "ENABLED" } } });
  }
  const container = taskDefinition.addContainer(name, { image, memoryLimitMiB: 512, readonlyRootFilesystem: true,
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: name, logGroup: new logs.LogGroup(stack, `${name}-logs`,
      { retention: logs.RetentionDays.ONE_MONTH }) }) });
  container.addPortMappings({ containerPort: 8080 });
  const props = { cluster, taskDefinition, desiredCount: 2, circuitBreaker: { rollback: true } };
  const service = ec2Launch ? new ecs.Ec2Service(stack, name, props) : new ecs.FargateService(stack, name, props);
  listener.addTargets(name, { priority: i + 1, conditions: [elbv2.ListenerCondition.pathPatterns([`/s${pad(i)}/*`])],
    port: 8080, targets: [service], healthCheck: { path: `/s${pad(i)}/health` } });
  service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 4 }).scaleOnCpuUtilization(`${name}-cpu`,
    { targetUtilizationPercent: 70 });
  if (i % 4 === 1) {
    fileSystem.connections.allowDefaultPortFrom(service);
  }
}

const parts = Math.max(1, Math.floor(n / 4));
for (let i = 0; i < parts; i++) {
  // pipeline: objects landing in a bucket start a Fargate task that writes to a table
  const bucket = new s3.Bucket(stack, `in-${pad(i)}`, { eventBridgeEnabled: true, enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, encryption: s3.BucketEncryption.S3_MANAGED });
  const table = new dynamodb.Table(stack, `in-${pad(i)}-table`, { partitionKey: { name: "key",
    type: dynamodb.AttributeType.STRING }, billingMode: dynamodb.BillingMode.PAY_PER_REQUEST });
  const ingest = new ecs.FargateTaskDefinition(stack, `in-${pad(i)}-task`, { cpu: 256, memoryLimitMiB: 512 });
  ingest.addContainer("ingest", { image: ecs.ContainerImage.fromRegistry("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingest:1.0.0"),
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: `in-${pad(i)}` }) });
  table.grantWriteData(ingest.taskRole);
  bucket.grantRead(ingest.taskRole);
  new events.Rule(stack, `in-${pad(i)}-rule`, { eventPattern: { source: ["aws.s3"], detailType: ["Object Created"],
    detail: { bucket: { name: [bucket.bucketName] }, object: { key: [{ prefix: "incoming/" }] } } },
    targets: [new targets.EcsTask({ cluster, taskDefinition: ingest })] });
  // scheduled task
  const job = new ecs.FargateTaskDefinition(stack, `job-${pad(i)}-task`, { cpu: 256, memoryLimitMiB: 512 });
  job.addContainer("cleanup", { image: ecs.ContainerImage.fromRegistry("123456789012.dkr.ecr.eu-west-1.amazonaws.com/cleanup:1.0.0"),
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: `job-${pad(i)}` }) });
  new events.Rule(stack, `job-${pad(i)}`, { schedule: events.Schedule.cron({ minute: "0", hour: "3" }),
    targets: [new targets.EcsTask({ cluster, taskDefinition: job })] });
  // queue worker scaled on its backlog
  const deadLetters = new sqs.Queue(stack, `wrk-${pad(i)}-dlq`, { enforceSSL: true });
  const queue = new sqs.Queue(stack, `wrk-${pad(i)}`, { enforceSSL: true,
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 } });
  const worker = new ecs.FargateTaskDefinition(stack, `wrk-${pad(i)}-task`, { cpu: 256, memoryLimitMiB: 512 });
  worker.addContainer("jobs", { image: ecs.ContainerImage.fromRegistry("123456789012.dkr.ecr.eu-west-1.amazonaws.com/jobs:1.0.0"),
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: `wrk-${pad(i)}` }) });
  queue.grantConsumeMessages(worker.taskRole);
  const workerService = new ecs.FargateService(stack, `wrk-${pad(i)}-service`, { cluster, taskDefinition: worker,
    desiredCount: 0 });
  workerService.autoScaleTaskCount({ minCapacity: 0, maxCapacity: 2 }).scaleOnMetric(`wrk-${pad(i)}-backlog`, {
    metric: queue.metricApproximateNumberOfMessagesVisible(), scalingSteps: [{ upper: 0, change: -1 },
      { lower: 1, change: +1 }], adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY });
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
// Findings fail the synthesis, as they fail `cdk synth`; the report is written either way.
let failed = false;
const log = console.error;
console.error = () => {};  // the plugin prints every finding; the report file has them
try {
  app.synth();
} catch (error) {
  if (!String(error.message || error).includes("Validation failed")) {
    console.error = log;
    throw error;
  }
  failed = true;
}
console.error = log;
const template = stack._toCloudFormation();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ services: n, resources: Object.keys(template.Resources || {}).length, findings: failed,
  seconds }));
