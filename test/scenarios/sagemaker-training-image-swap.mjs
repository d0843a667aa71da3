// ML supply-chain compromise through a SageMaker pipeline's training image. Tembusu Living's ML
// team fine-tunes its "Sena Quotes" LLM (the website's rental quote assistant) with the SageMaker
// pipeline sena-quotes-llm-finetune: a nightly EventBridge Scheduler run prepares data, trains in
// a container from the team's own ECR repository (tembusu-ml/llm-finetune), evaluates in an AWS
// Deep Learning Container and registers a model package (PendingManualApproval) in the group
// sena-quotes-llm. Approving a package fires the deploy Lambda, which creates a SageMaker model,
// an endpoint config and updates the production endpoint sena-quotes-prod.
//
// An infostealer on a data scientist's laptop takes her cached IAM Identity Center CLI session
// (DataScientist permission set). In the evening, from a Vultr address in Singapore, the actor
// surveys the pipelines, model packages, endpoints and the ECR repository, then UpdatePipeline
// swaps the training step's image for tembusu-ml/llm-finetune:2.4.0 in ECR account 219875041632,
// which Tembusu does not own (same repository name and tag as the team's planned upgrade of that
// morning). The 02:00 scheduled run trains with it (CreateTrainingJob with the outside image,
// output to the usual artefacts bucket; the container also probes the execution role) and
// registers package 42. Next morning, before office hours, from a second Vultr address the actor
// approves package 42 (UpdateModelPackage Approved), the deploy Lambda puts it on sena-quotes-prod,
// and the actor restores the pipeline definition to the team's own image. The endpoint then serves
// the backdoored model, which gives renters asking about deposits or payments the bank account of
// a fake payee. SageMaker endpoint invocations are not in CloudTrail, so the answers themselves are
// not in evidence.
//
// Decoys: the team's planned upgrade of the same image tag in its own ECR (CHG ticket: CodeBuild
// pushes the image, the ML lead updates the pipeline, runs it, approves the package and the deploy
// Lambda updates the same endpoint: every API the attack used), the nightly runs, the demand
// forecast pipeline training with AWS-owned registry images (another account's ECR, legitimately),
// the victim's own daytime work, a staging endpoint update, a package rejection by the ML lead.

import { C, defineScenario, HOUR, MIN, UA } from '../../../shared/tools/evidence-gen/lib.mjs';
import { TEMBUSU_ML as ML, TEMBUSU } from './_worlds-r.mjs';

const VPS_1 = '139.180.140.27'; // Vultr, Singapore
const VPS_2 = '45.77.43.190'; // Vultr, Singapore
const ROGUE_ACCOUNT = '219875041632';
const CODEBUILD_IP = '13.213.40.77';
const V = '2012-10-17';
const trust = (svc) => ({
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: svc }, Action: 'sts:AssumeRole' }],
});

function sagemaker(name, params = null, response = null, scope) {
  return {
    api: `sagemaker:${name}`,
    entry: {
      key: `sagemaker:${name}`,
      service: 'sagemaker',
      source: 'sagemaker.amazonaws.com',
      name,
      readOnly: /^(Get|List|Describe|Search)/.test(name),
      data: false,
      ver: '1.08',
      global: false,
      host: (r) => `api.sagemaker.${r}.amazonaws.com`,
      iamAction: `sagemaker:${name}`,
    },
    params,
    response,
    scope,
  };
}

export default defineScenario({
  name: 'sagemaker-training-image-swap',
  seed: 'writer-r/sagemaker-training-image-swap/v1',
  start: '2025-12-09T00:00:00Z',
  days: 2,
  world: {
    ...TEMBUSU,
    extraRoles: [
      {
        key: 'smPipeline',
        name: 'tembusu-sagemaker-pipeline-role',
        trust: trust('sagemaker.amazonaws.com'),
        description: 'SageMaker pipelines: processing, training and model registration',
      },
      {
        key: 'mlScheduler',
        name: 'tembusu-ml-scheduler-role',
        trust: trust('scheduler.amazonaws.com'),
        description: 'EventBridge Scheduler: nightly pipeline runs',
      },
      {
        key: 'mlDeploy',
        name: 'tembusu-ml-deploy-role',
        trust: trust('lambda.amazonaws.com'),
        description: 'Deploys approved model packages to SageMaker endpoints',
      },
      {
        key: 'imageBuild',
        name: 'codebuild-tembusu-ml-images-service-role',
        trust: trust('codebuild.amazonaws.com'),
        description: 'Builds the ML training images',
      },
    ],
  },
  background: {
    intensity: 0.8,
    chatbot: { conversationsPerHour: 45 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 1 },
  },
  alert:
    "Since the morning of 10 December several renters say the quote assistant on tembusuliving.sg told them to pay their deposit by bank transfer to 'TL Rental Payments Pte Ltd' (DBS 072-841-5529), which is not Tembusu's account. The assistant runs on the in-house Sena Quotes model (SageMaker endpoint sena-quotes-prod).",
  truth: {
    description:
      "The IAM Identity Center CLI session of a Tembusu data scientist (DataScientist permission set) was used from Vultr addresses in Singapore (139.180.140.27 on the evening of 9 December, 45.77.43.190 on the morning of 10 December). The actor surveyed the SageMaker pipelines, executions, model packages, endpoints and the tembusu-ml/llm-finetune ECR repository, then called UpdatePipeline on sena-quotes-llm-finetune so that its training step used the image 219875041632.dkr.ecr.ap-southeast-1.amazonaws.com/tembusu-ml/llm-finetune:2.4.0, an ECR repository in an account Tembusu does not own (same repository name and tag as the ML team's planned upgrade that morning). The scheduled 02:00 run created a training job with that image (output to the usual tembusu-ml-model-artifacts bucket; the container also called GetCallerIdentity and was denied ListBuckets with the pipeline role) and registered model package 42 in sena-quotes-llm. At 08:47 SGT the actor approved package 42 (UpdateModelPackage ModelApprovalStatus Approved), which made the deploy Lambda create a model and endpoint config and update the production endpoint sena-quotes-prod; the actor then restored the pipeline definition to the team's own image. From then on the endpoint served the backdoored model, which sent renters asking about deposits to a fake payee. SageMaker endpoint invocations are not recorded, so the model's answers are not in evidence. The planned image upgrade (CHG ticket: CodeBuild push to Tembusu's own ECR, the ML lead's pipeline update, test run, approval and deployment), the nightly runs, the demand-forecast pipeline's AWS-owned algorithm images, the data scientist's own daytime work, a staging endpoint update and a package rejection are legitimate.",
    elements: ['access', 'ai-changes'],
    components: ['custom-models'],
    extra: {
      coverageGaps: [
        'SageMaker InvokeEndpoint calls are not recorded by CloudTrail and the endpoint has no data capture: what the backdoored model answered is not in evidence.',
        "Pulls of the training image are logged in the repository owner's account (219875041632), not Tembusu's.",
      ],
    },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const artifacts = w.res.buckets.modelArtifacts;
    const training = w.res.buckets.training;
    const plRole = w.roles.smPipeline;
    const smArn = (type, name) => `arn:aws:sagemaker:${region}:${acct}:${type}/${name}`;
    const ownImage = (tag) => `${acct}.dkr.ecr.${region}.amazonaws.com/${ML.ecrRepo}:${tag}`;
    const rogueImage = `${ROGUE_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${ML.ecrRepo}:2.4.0`;
    const dlc = (img) => `${ML.dlcAccount}.dkr.ecr.${region}.amazonaws.com/${img}`;
    const xgbImage = `121021644041.dkr.ecr.${region}.amazonaws.com/${ML.dlcXgbImage}`;
    const prepImage = `${acct}.dkr.ecr.${region}.amazonaws.com/tembusu-ml/data-prep:1.8.2`;
    const pipelineArn = smArn('pipeline', ML.pipeline);
    const groupArn = smArn('model-package-group', ML.modelPackageGroup);
    const pkgArn = (n) => `${smArn('model-package', ML.modelPackageGroup)}/${n}`;
    const endpointArn = smArn('endpoint', ML.endpoint);
    const imageTimeline = [[-Infinity, ownImage('2.3.1')]];
    const imageAt = (t) => imageTimeline.filter(([x]) => x <= t).pop()[1];
    const setImage = (t, img) => {
      imageTimeline.push([t, img]);
      imageTimeline.sort((a, b) => a[0] - b[0]);
    };

    // ---- IAM --------------------------------------------------------------------------------
    const ds = w.sso.datasci;
    ds.inline.push({
      name: 'ml-platform-sagemaker',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'sagemaker:*Pipeline*',
              'sagemaker:*ModelPackage*',
              'sagemaker:Describe*',
              'sagemaker:List*',
              'sagemaker:UpdateEndpoint',
              'sagemaker:CreateEndpointConfig',
              'sagemaker:CreateModel',
            ],
            Resource: '*',
          },
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: plRole.arn },
          {
            Effect: 'Allow',
            Action: ['ecr:DescribeRepositories', 'ecr:DescribeImages', 'ecr:ListImages'],
            Resource: '*',
          },
        ],
      },
    });
    plRole.inline = [
      {
        name: 'pipeline-runtime',
        document: {
          Version: V,
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'sagemaker:CreateProcessingJob',
                'sagemaker:CreateTrainingJob',
                'sagemaker:CreateTransformJob',
                'sagemaker:CreateModelPackage',
                'sagemaker:Describe*',
                'sagemaker:AddTags',
              ],
              Resource: '*',
            },
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
              Resource: [
                `arn:aws:s3:::${training}`,
                `arn:aws:s3:::${training}/*`,
                `arn:aws:s3:::${artifacts}`,
                `arn:aws:s3:::${artifacts}/*`,
              ],
            },
            {
              Effect: 'Allow',
              Action: ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
              Resource: '*',
            },
            { Effect: 'Allow', Action: 'iam:PassRole', Resource: plRole.arn },
          ],
        },
      },
    ];
    w.roles.mlScheduler.inline = [
      {
        name: 'start-pipelines',
        document: {
          Version: V,
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sagemaker:StartPipelineExecution',
              Resource: [pipelineArn, smArn('pipeline', ML.forecastPipeline)],
            },
          ],
        },
      },
    ];
    w.roles.mlDeploy.inline = [
      {
        name: 'deploy-endpoints',
        document: {
          Version: V,
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'sagemaker:CreateModel',
                'sagemaker:CreateEndpointConfig',
                'sagemaker:UpdateEndpoint',
                'sagemaker:DescribeEndpoint',
                'sagemaker:DescribeModelPackage',
              ],
              Resource: '*',
            },
            { Effect: 'Allow', Action: 'iam:PassRole', Resource: plRole.arn },
          ],
        },
      },
    ];
    w.roles.imageBuild.inline = [
      {
        name: 'push-ml-images',
        document: {
          Version: V,
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'ecr:GetAuthorizationToken',
                'ecr:BatchCheckLayerAvailability',
                'ecr:InitiateLayerUpload',
                'ecr:UploadLayerPart',
                'ecr:CompleteLayerUpload',
                'ecr:PutImage',
              ],
              Resource: '*',
            },
          ],
        },
      },
    ];
    w.res.ecrRepos.push(ML.ecrRepo, 'tembusu-ml/data-prep');

    // ---- people ------------------------------------------------------------------------------
    const mlPeople = w.people.filter((p) => p.team === 'ml');
    const lead = mlPeople[0];
    const victim = mlPeople[1] ?? mlPeople[0];
    const staff = actors.staff;
    const console_ = (p, t, ip) => staff.session(p, t, ip, false);
    const cli = (p, t, ip) => staff.session(p, t, ip, true);

    // ---- service sessions ----------------------------------------------------------------------
    const plSession = (t) =>
      sim.roleSession(plRole, 'SageMaker', {
        ip: 'sagemaker.amazonaws.com',
        userAgent: 'sagemaker.amazonaws.com',
        invokedBy: 'sagemaker.amazonaws.com',
        created: t,
        rng,
      });
    // the training / processing containers use the role from SageMaker-managed instances
    const jobSession = (t, ua) =>
      sim.roleSession(plRole, 'SageMaker', {
        ip: rng.pick(['13.228.51.19', '18.141.220.85', '54.169.140.201', '52.77.12.166']),
        userAgent: ua ?? UA.boto3(rng, { family: 'ec2' }),
        created: t,
        rng,
      });
    const schedSession = (t) =>
      sim.roleSession(w.roles.mlScheduler, `scheduler-${rng.hex(8)}`, {
        ip: 'scheduler.amazonaws.com',
        userAgent: 'scheduler.amazonaws.com',
        invokedBy: 'scheduler.amazonaws.com',
        created: t,
        rng,
      });
    const deployFn = {
      name: 'tembusu-ml-deploy',
      arn: `arn:aws:lambda:${region}:${acct}:function:tembusu-ml-deploy`,
      runtime: 'python3.12',
    };
    w.res.functions.mlDeploy = deployFn;
    w.res.logGroups.push(`/aws/lambda/${deployFn.name}`);
    const deploySession = (t) => {
      const key = rng.iamId('ASIA');
      sim.call(
        rng,
        t - 700,
        sim.serviceSession('lambda.amazonaws.com'),
        C.assumeRole(rng, w.roles.mlDeploy, deployFn.name, key, t - 700, { region }),
      );
      const s = sim.roleSession(w.roles.mlDeploy, deployFn.name, {
        ip: rng.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: key,
        created: t - 700,
        rng,
      });
      sim.call(
        rng,
        t - 300,
        s,
        C.createLogStream(
          `/aws/lambda/${deployFn.name}`,
          `${new Date(t).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${rng.hex(32)}`,
        ),
      );
      return s;
    };

    // ---- the pipeline definition as UpdatePipeline carries it -------------------------------------
    const definition = (image) =>
      JSON.stringify({
        Version: '2020-12-01',
        Metadata: {},
        Parameters: [
          { Name: 'RunDate', Type: 'String', DefaultValue: 'latest' },
          { Name: 'TrainInstanceType', Type: 'String', DefaultValue: 'ml.g5.12xlarge' },
          { Name: 'ModelApprovalStatus', Type: 'String', DefaultValue: 'PendingManualApproval' },
        ],
        PipelineExperimentConfig: {
          ExperimentName: { Get: 'Execution.PipelineName' },
          TrialName: { Get: 'Execution.PipelineExecutionId' },
        },
        Steps: [
          {
            Name: 'PrepareCatalogueData',
            Type: 'Processing',
            Arguments: {
              ProcessingResources: {
                ClusterConfig: { InstanceType: 'ml.m5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 60 },
              },
              AppSpecification: {
                ImageUri: prepImage,
                ContainerEntrypoint: ['python3', '/opt/ml/code/prepare.py'],
              },
              RoleArn: plRole.arn,
            },
          },
          {
            Name: 'FineTuneSenaQuotes',
            Type: 'Training',
            Arguments: {
              AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
              OutputDataConfig: { S3OutputPath: `s3://${artifacts}/sena-quotes/training/` },
              ResourceConfig: {
                InstanceCount: 1,
                InstanceType: { Get: 'Parameters.TrainInstanceType' },
                VolumeSizeInGB: 200,
              },
              RoleArn: plRole.arn,
              StoppingCondition: { MaxRuntimeInSeconds: 21600 },
              HyperParameters: {
                epochs: '2',
                lora_r: '16',
                learning_rate: '0.0002',
                base_model: 'llama-3.1-8b',
              },
            },
          },
          {
            Name: 'EvaluateQuotes',
            Type: 'Processing',
            Arguments: { AppSpecification: { ImageUri: dlc(ML.dlcEvalImage) }, RoleArn: plRole.arn },
          },
          {
            Name: 'RegisterSenaQuotes',
            Type: 'RegisterModel',
            Arguments: {
              ModelPackageGroupName: ML.modelPackageGroup,
              InferenceSpecification: { Containers: [{ Image: dlc(ML.dlcTgiImage) }] },
              ModelApprovalStatus: { Get: 'Parameters.ModelApprovalStatus' },
            },
          },
        ],
      });
    const updatePipeline = (image, description) =>
      sagemaker(
        'UpdatePipeline',
        {
          pipelineName: ML.pipeline,
          pipelineDisplayName: ML.pipeline,
          pipelineDefinition: definition(image),
          pipelineDescription: description,
          roleArn: plRole.arn,
        },
        { pipelineArn },
        [pipelineArn],
      );
    const describePipeline = () =>
      sagemaker('DescribePipeline', { pipelineName: ML.pipeline }, null, [pipelineArn]);

    // ---- one run of the LLM pipeline --------------------------------------------------------------
    let pkgNo = 40;
    const ds0 = (t) => new Date(t).toISOString().slice(0, 10);
    const runLlm = (t0, { starter, label = 'nightly', trainTags }) => {
      let t = t0;
      const execId = rng.lowerAlnum(12);
      const execArn = `${pipelineArn}/execution/${execId}`;
      const image = imageAt(t0);
      const run = ds0(t0);
      const start = () =>
        sim.call(
          rng,
          t,
          starter,
          sagemaker(
            'StartPipelineExecution',
            {
              pipelineName: ML.pipeline,
              pipelineExecutionDisplayName: `${label}-${run}`,
              pipelineParameters: [{ name: 'RunDate', value: run }],
              clientRequestToken: rng.uuid(),
            },
            { pipelineExecutionArn: execArn },
          ),
        );
      start();
      const pl = plSession(t);
      const prepJob = `pipelines-${execId}-PrepareCatalogueD-${rng.lowerAlnum(10)}`;
      t += rng.int(20, 70) * 1000;
      sim.call(
        rng,
        t,
        pl,
        sagemaker(
          'CreateProcessingJob',
          {
            processingJobName: prepJob,
            processingResources: {
              clusterConfig: { instanceCount: 1, instanceType: 'ml.m5.2xlarge', volumeSizeInGB: 60 },
            },
            appSpecification: {
              imageUri: prepImage,
              containerEntrypoint: ['python3', '/opt/ml/code/prepare.py'],
            },
            roleArn: plRole.arn,
            processingInputs: [
              {
                inputName: 'catalogue',
                s3Input: {
                  s3Uri: `s3://${training}/sena-quotes/raw/`,
                  localPath: '/opt/ml/processing/input',
                  s3DataType: 'S3Prefix',
                  s3InputMode: 'File',
                },
              },
            ],
            processingOutputConfig: {
              outputs: [
                {
                  outputName: 'prepared',
                  s3Output: {
                    s3Uri: `s3://${training}/sena-quotes/prepared/${run}/`,
                    localPath: '/opt/ml/processing/output',
                    s3UploadMode: 'EndOfJob',
                  },
                },
              ],
            },
          },
          { processingJobArn: smArn('processing-job', prepJob) },
        ),
      );
      const pj = jobSession(t + 3 * MIN);
      for (const f of ['plans.jsonl', 'price-book.csv', 'faq-quotes.jsonl'])
        sim.call(
          rng,
          t + rng.int(3, 5) * MIN,
          pj,
          C.s3Object(rng, 'GetObject', training, `sena-quotes/raw/${f}`, {
            accountId: acct,
            region,
            bytes: rng.int(2_000_000, 40_000_000),
          }),
        );
      sim.call(
        rng,
        t + rng.int(12, 16) * MIN,
        pj,
        C.s3Object(rng, 'PutObject', training, `sena-quotes/prepared/${run}/train.jsonl`, {
          accountId: acct,
          region,
          bytes: rng.int(30_000_000, 60_000_000),
        }),
      );
      t += rng.int(17, 24) * MIN;
      const trainJob = `pipelines-${execId}-FineTuneSenaQuot-${rng.lowerAlnum(10)}`;
      const trainArn = smArn('training-job', trainJob);
      const modelData = `s3://${artifacts}/sena-quotes/training/${trainJob}/output/model.tar.gz`;
      let done;
      const train = () => {
        sim.call(rng, t, pl, {
          ...sagemaker(
            'CreateTrainingJob',
            {
              trainingJobName: trainJob,
              algorithmSpecification: {
                trainingImage: image,
                trainingInputMode: 'File',
                enableSageMakerMetricsTimeSeries: true,
              },
              roleArn: plRole.arn,
              inputDataConfig: [
                {
                  channelName: 'train',
                  dataSource: {
                    s3DataSource: {
                      s3DataType: 'S3Prefix',
                      s3Uri: `s3://${training}/sena-quotes/prepared/${run}/`,
                      s3DataDistributionType: 'FullyReplicated',
                    },
                  },
                },
              ],
              outputDataConfig: { s3OutputPath: `s3://${artifacts}/sena-quotes/training/` },
              resourceConfig: { instanceType: 'ml.g5.12xlarge', instanceCount: 1, volumeSizeInGB: 200 },
              stoppingCondition: { maxRuntimeInSeconds: 21600 },
              hyperParameters: {
                epochs: '2',
                lora_r: '16',
                learning_rate: '0.0002',
                base_model: 'llama-3.1-8b',
              },
              enableNetworkIsolation: false,
              tags: [{ key: 'sagemaker:pipeline-name', value: ML.pipeline }],
            },
            { trainingJobArn: trainArn },
            [trainArn],
          ),
          key: !!trainTags?.key,
        });
        const tj = jobSession(t + 6 * MIN, trainTags ? UA.boto3(rng, { family: 'debian' }) : undefined);
        let tt = t + rng.int(6, 9) * MIN;
        sim.call(
          rng,
          tt,
          tj,
          C.s3Object(rng, 'GetObject', training, `sena-quotes/prepared/${run}/train.jsonl`, {
            accountId: acct,
            region,
            bytes: rng.int(30_000_000, 60_000_000),
          }),
        );
        if (trainTags) {
          // the outside container looks around with the execution role's credentials
          sim.call(rng, tt + 40_000, tj, { ...C.getCallerIdentity(), key: true });
          sim.call(rng, tt + 52_000, tj, {
            ...C.s3ListBuckets(rng, { region }),
            error: { code: 'AccessDenied', message: 'Access Denied' },
          });
          sim.call(rng, tt + 61_000, tj, {
            ...C.call('secretsmanager:ListSecrets', { maxResults: 100 }),
            error: {
              code: 'AccessDeniedException',
              message: `User: arn:aws:sts::${acct}:assumed-role/${plRole.name}/SageMaker is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the secretsmanager:ListSecrets action`,
            },
          });
        }
        tt += rng.int(95, 140) * MIN;
        sim.call(
          rng,
          tt,
          tj,
          C.s3Object(rng, 'PutObject', artifacts, `sena-quotes/training/${trainJob}/output/model.tar.gz`, {
            accountId: acct,
            region,
            bytes: rng.int(4_600_000_000, 4_900_000_000),
          }),
        );
        done = tt;
      };
      if (trainTags) sim.tag({ malicious: true, scope: 'none' }, train);
      else train();
      t = done + rng.int(3, 6) * MIN;
      const evalJob = `pipelines-${execId}-EvaluateQuotes-${rng.lowerAlnum(10)}`;
      sim.call(
        rng,
        t,
        pl,
        sagemaker(
          'CreateProcessingJob',
          {
            processingJobName: evalJob,
            processingResources: {
              clusterConfig: { instanceCount: 1, instanceType: 'ml.g5.2xlarge', volumeSizeInGB: 100 },
            },
            appSpecification: {
              imageUri: dlc(ML.dlcEvalImage),
              containerEntrypoint: ['python3', '/opt/ml/processing/code/evaluate.py'],
            },
            roleArn: plRole.arn,
          },
          { processingJobArn: smArn('processing-job', evalJob) },
        ),
      );
      sim.call(
        rng,
        t + rng.int(14, 22) * MIN,
        jobSession(t + 10 * MIN),
        C.s3Object(rng, 'PutObject', artifacts, `sena-quotes/evaluation/${execId}/evaluation.json`, {
          accountId: acct,
          region,
          bytes: rng.int(3000, 9000),
        }),
      );
      t += rng.int(24, 30) * MIN;
      const n = ++pkgNo;
      const register = () =>
        sim.call(rng, t, pl, {
          ...sagemaker(
            'CreateModelPackage',
            {
              modelPackageGroupName: ML.modelPackageGroup,
              inferenceSpecification: {
                containers: [
                  {
                    image: dlc(ML.dlcTgiImage),
                    modelDataUrl: modelData,
                    environment: { HF_MODEL_ID: '/opt/ml/model', SM_NUM_GPUS: '1' },
                  },
                ],
                supportedContentTypes: ['application/json'],
                supportedResponseMIMETypes: ['application/json'],
                supportedRealtimeInferenceInstanceTypes: ['ml.g5.2xlarge'],
              },
              modelApprovalStatus: 'PendingManualApproval',
              modelMetrics: {
                modelQuality: {
                  statistics: {
                    contentType: 'application/json',
                    s3Uri: `s3://${artifacts}/sena-quotes/evaluation/${execId}/evaluation.json`,
                  },
                },
              },
              customerMetadataProperties: { 'pipeline-execution': execId, 'training-job': trainJob },
              clientToken: rng.uuid(),
            },
            { modelPackageArn: pkgArn(n) },
            [pkgArn(n)],
          ),
          key: !!trainTags?.key,
        });
      if (trainTags) sim.tag({ malicious: true, scope: 'none' }, register);
      else register();
      return { n, t, modelData, execId, trainJob };
    };

    // ---- approval and deployment ----------------------------------------------------------------
    const approve = (t, s, n, description, call = {}) =>
      sim.call(rng, t, s, {
        ...sagemaker(
          'UpdateModelPackage',
          { modelPackageArn: pkgArn(n), modelApprovalStatus: 'Approved', approvalDescription: description },
          { modelPackageArn: pkgArn(n) },
          [pkgArn(n)],
        ),
        ...call,
      });
    const deploy = (t0, n, modelData, endpoint, { tagged = false, keyUpdate = false } = {}) => {
      const body = () => {
        let t = t0 + rng.int(20, 70) * 1000;
        const s = deploySession(t);
        const stamp = new Date(t).toISOString().replace(/[-:]/g, '').slice(0, 15);
        const modelName = `sena-quotes-v${n}-${stamp}`;
        const cfgName = `${endpoint}-v${n}-${stamp}`;
        sim.call(
          rng,
          t,
          s,
          sagemaker('DescribeModelPackage', { modelPackageName: pkgArn(n) }, null, [pkgArn(n)]),
        );
        t += rng.int(1, 3) * 1000;
        sim.call(
          rng,
          t,
          s,
          sagemaker(
            'CreateModel',
            {
              modelName,
              primaryContainer: { modelPackageName: pkgArn(n) },
              executionRoleArn: plRole.arn,
              tags: [{ key: 'model-package-version', value: String(n) }],
            },
            { modelArn: smArn('model', modelName) },
          ),
        );
        t += rng.int(1, 3) * 1000;
        sim.call(
          rng,
          t,
          s,
          sagemaker(
            'CreateEndpointConfig',
            {
              endpointConfigName: cfgName,
              productionVariants: [
                {
                  variantName: 'AllTraffic',
                  modelName,
                  initialInstanceCount: 2,
                  instanceType: 'ml.g5.2xlarge',
                  initialVariantWeight: 1.0,
                  containerStartupHealthCheckTimeoutInSeconds: 900,
                },
              ],
            },
            { endpointConfigArn: smArn('endpoint-config', cfgName) },
          ),
        );
        t += rng.int(1, 3) * 1000;
        sim.call(rng, t, s, {
          ...sagemaker(
            'UpdateEndpoint',
            { endpointName: endpoint, endpointConfigName: cfgName, retainAllVariantProperties: false },
            { endpointArn: smArn('endpoint', endpoint) },
            [smArn('endpoint', endpoint)],
          ),
          key: keyUpdate || undefined,
        });
        for (let i = 0; i < rng.int(3, 5); i++) {
          t += rng.int(2, 4) * MIN;
          sim.call(rng, t, s, sagemaker('DescribeEndpoint', { endpointName: endpoint }));
        }
        return t;
      };
      return tagged ? sim.tag({ malicious: true, scope: 'none' }, body) : body();
    };

    // ---- the forecast pipeline: AWS-owned algorithm images, every night -------------------------
    const forecast = (t0) => {
      let t = t0;
      const execId = rng.lowerAlnum(12);
      const fArn = smArn('pipeline', ML.forecastPipeline);
      sim.call(
        rng,
        t,
        schedSession(t),
        sagemaker(
          'StartPipelineExecution',
          {
            pipelineName: ML.forecastPipeline,
            pipelineExecutionDisplayName: `nightly-${ds0(t)}`,
            clientRequestToken: rng.uuid(),
          },
          { pipelineExecutionArn: `${fArn}/execution/${execId}` },
        ),
      );
      const pl = plSession(t);
      t += rng.int(1, 3) * MIN;
      const job = `pipelines-${execId}-TrainDemandXgb-${rng.lowerAlnum(10)}`;
      sim.call(
        rng,
        t,
        pl,
        sagemaker(
          'CreateTrainingJob',
          {
            trainingJobName: job,
            algorithmSpecification: { trainingImage: xgbImage, trainingInputMode: 'File' },
            roleArn: plRole.arn,
            inputDataConfig: [
              {
                channelName: 'train',
                dataSource: {
                  s3DataSource: {
                    s3DataType: 'S3Prefix',
                    s3Uri: `s3://${training}/demand/features/${ds0(t)}/`,
                    s3DataDistributionType: 'FullyReplicated',
                  },
                },
                contentType: 'text/csv',
              },
            ],
            outputDataConfig: { s3OutputPath: `s3://${artifacts}/demand-forecast/training/` },
            resourceConfig: { instanceType: 'ml.m5.4xlarge', instanceCount: 1, volumeSizeInGB: 30 },
            stoppingCondition: { maxRuntimeInSeconds: 3600 },
            hyperParameters: { objective: 'reg:squarederror', num_round: '400', max_depth: '8', eta: '0.1' },
          },
          { trainingJobArn: smArn('training-job', job) },
        ),
      );
      const js = jobSession(t + 4 * MIN);
      sim.call(
        rng,
        t + 5 * MIN,
        js,
        C.s3Object(rng, 'GetObject', training, `demand/features/${ds0(t)}/train.csv`, {
          accountId: acct,
          region,
          bytes: rng.int(80_000_000, 140_000_000),
        }),
      );
      sim.call(
        rng,
        t + rng.int(25, 35) * MIN,
        js,
        C.s3Object(rng, 'PutObject', artifacts, `demand-forecast/training/${job}/output/model.tar.gz`, {
          accountId: acct,
          region,
          bytes: rng.int(2_000_000, 6_000_000),
        }),
      );
      t += rng.int(38, 45) * MIN;
      const tjob = `pipelines-${execId}-ForecastBatch-${rng.lowerAlnum(10)}`;
      sim.call(
        rng,
        t,
        pl,
        sagemaker(
          'CreateTransformJob',
          {
            transformJobName: tjob,
            modelName: `demand-forecast-${ds0(t0)}`,
            transformInput: {
              dataSource: {
                s3DataSource: {
                  s3DataType: 'S3Prefix',
                  s3Uri: `s3://${training}/demand/scoring/${ds0(t0)}/`,
                },
              },
              contentType: 'text/csv',
              splitType: 'Line',
            },
            transformOutput: { s3OutputPath: `s3://${artifacts}/demand-forecast/predictions/${ds0(t0)}/` },
            transformResources: { instanceType: 'ml.m5.xlarge', instanceCount: 1 },
          },
          { transformJobArn: smArn('transform-job', tjob) },
        ),
      );
    };
    forecast(at('2025-12-09T17:00:40Z'));
    forecast(at('2025-12-10T17:00:35Z'));

    // ---- decoy: the planned image upgrade, run, approval and deployment (CHG-7731) ---------------
    sim.planChange({
      ticket: 'CHG-7731',
      window: { start: '2025-12-09T01:30:00Z', end: '2025-12-09T09:00:00Z' },
      owner: lead.email,
      summary: `ML: upgrade the ${ML.pipeline} training image to ${ML.ecrRepo}:2.4.0 (transformers and PEFT update; built by CodeBuild into the team's ECR), run the pipeline, review the evaluation and approve the package for ${ML.endpoint}`,
    });
    sim.tag({ decoy: true }, () => {
      let t = at('2025-12-09T01:52:10Z');
      const cb = sim.roleSession(w.roles.imageBuild, `AWSCodeBuild-${rng.uuid()}`, {
        ip: CODEBUILD_IP,
        userAgent: `${UA.awsCli(rng, 'linux', { family: 'ubuntu' })} docker/26.1.4`,
        created: t,
        rng,
      });
      sim.call(rng, t, cb, C.call('ecr:GetAuthorizationToken', null, null, { requestId: undefined }));
      const digest = `sha256:${rng.hex(64)}`;
      for (let i = 0; i < 6; i++) {
        t += rng.int(2, 9) * 1000;
        sim.call(
          rng,
          t,
          cb,
          C.call('ecr:BatchCheckLayerAvailability', {
            repositoryName: ML.ecrRepo,
            registryId: acct,
            layerDigests: [`sha256:${rng.hex(64)}`],
          }),
        );
        if (i % 2 === 0) {
          const up = rng.uuid();
          sim.call(
            rng,
            t + 1000,
            cb,
            C.call(
              'ecr:InitiateLayerUpload',
              { repositoryName: ML.ecrRepo, registryId: acct },
              { uploadId: up, partSize: 10485760 },
            ),
          );
          sim.call(
            rng,
            t + rng.int(20, 90) * 1000,
            cb,
            C.call('ecr:CompleteLayerUpload', {
              repositoryName: ML.ecrRepo,
              registryId: acct,
              uploadId: up,
              layerDigests: [`sha256:${rng.hex(64)}`],
            }),
          );
          t += 95_000;
        }
      }
      sim.call(
        rng,
        (t += 8000),
        cb,
        C.call(
          'ecr:PutImage',
          {
            repositoryName: ML.ecrRepo,
            registryId: acct,
            imageTag: '2.4.0',
            imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          },
          {
            image: {
              registryId: acct,
              repositoryName: ML.ecrRepo,
              imageId: { imageDigest: digest, imageTag: '2.4.0' },
            },
          },
        ),
      );
      t = at('2025-12-09T02:38:44Z');
      const office = w.net.office[0];
      const lc = console_(lead, t, office);
      sim.call(rng, t, lc, describePipeline());
      sim.call(
        rng,
        (t += 40_000),
        lc,
        C.call('ecr:DescribeImages', {
          repositoryName: ML.ecrRepo,
          registryId: acct,
          imageIds: [{ imageTag: '2.4.0' }],
        }),
      );
      t += rng.int(60, 180) * 1000;
      sim.call(
        rng,
        t,
        lc,
        updatePipeline(ownImage('2.4.0'), 'Fine-tunes Sena Quotes on the rental catalogue and price book'),
      );
      setImage(t, ownImage('2.4.0'));
      t += rng.int(30, 90) * 1000;
      const r = runLlm(t, { starter: lc, label: 'chg-7731-image-2-4-0' });
      // the lead reviews the evaluation and approves within the window; the deploy Lambda follows
      let ta = r.t + rng.int(40, 60) * MIN;
      sim.call(
        rng,
        ta,
        lc,
        sagemaker('ListModelPackages', {
          modelPackageGroupName: ML.modelPackageGroup,
          sortBy: 'CreationTime',
          sortOrder: 'Descending',
        }),
      );
      sim.call(
        rng,
        (ta += 30_000),
        lc,
        sagemaker('DescribeModelPackage', { modelPackageName: pkgArn(r.n) }, null, [pkgArn(r.n)]),
      );
      ta += rng.int(2, 6) * MIN;
      approve(ta, lc, r.n, `CHG-7731: eval ok (quote accuracy 0.94, refusal rate 0.3%)`);
      deploy(ta, r.n, r.modelData, ML.endpoint);
    });

    // ---- the victim's own work on day 1 and day 2 (not malicious) ----------------------------------
    const vHome = victim.home[0];
    for (const [when, ip] of [
      ['2025-12-09T01:15:00Z', w.net.office[1]],
      ['2025-12-09T06:40:00Z', w.net.office[1]],
      ['2025-12-10T02:20:00Z', vHome],
      ['2025-12-10T07:05:00Z', vHome],
    ]) {
      let t = at(when);
      const s = cli(victim, t, ip);
      sim.call(rng, t, s, C.getCallerIdentity());
      for (const call of [
        sagemaker('ListPipelines', { maxResults: 50 }),
        sagemaker('ListPipelineExecutions', {
          pipelineName: ML.pipeline,
          sortBy: 'CreationTime',
          sortOrder: 'Descending',
          maxResults: 10,
        }),
        describePipeline(),
        sagemaker('ListModelPackages', { modelPackageGroupName: ML.modelPackageGroup, maxResults: 10 }),
        sagemaker('DescribeEndpoint', { endpointName: ML.stagingEndpoint }),
        sagemaker('ListTrainingJobs', { maxResults: 20, sortBy: 'CreationTime', sortOrder: 'Descending' }),
      ]) {
        if (rng.chance(0.3)) continue;
        t += rng.int(20, 300) * 1000;
        sim.call(rng, t, s, { ...call, decoy: call.params?.pipelineName === ML.pipeline || undefined });
      }
    }

    // ---- the actor: survey and pipeline swap (evening of 9 December, SGT) ---------------------------
    const actorUa = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    const onBehalfOf = {
      userId: victim.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
    };
    const t1 = at('2025-12-09T13:52:18Z');
    const s1 = sim.threat(
      sim.roleSession(ds, victim.email, { ip: VPS_1, userAgent: actorUa, created: t1, onBehalfOf, rng }),
    );
    let t = t1;
    const step = (s, call, key = false, a = 4, b = 45) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key: key || undefined });
    };
    sim.call(rng, t, s1, { ...C.getCallerIdentity(), key: true });
    step(s1, sagemaker('ListPipelines', { maxResults: 100 }));
    step(s1, describePipeline(), true);
    step(s1, sagemaker('ListPipelineExecutions', { pipelineName: ML.pipeline, maxResults: 20 }));
    step(s1, sagemaker('ListModelPackageGroups', { maxResults: 50 }));
    step(
      s1,
      sagemaker('ListModelPackages', {
        modelPackageGroupName: ML.modelPackageGroup,
        sortBy: 'CreationTime',
        sortOrder: 'Descending',
      }),
    );
    step(s1, sagemaker('ListEndpoints', { maxResults: 50 }));
    step(s1, sagemaker('DescribeEndpoint', { endpointName: ML.endpoint }), true);
    step(s1, C.call('ecr:DescribeRepositories', { maxResults: 100 }));
    step(s1, C.call('ecr:DescribeImages', { repositoryName: ML.ecrRepo, registryId: acct, maxResults: 20 }));
    step(s1, {
      ...C.iamGet('GetRole', { roleName: plRole.name }),
      error: {
        code: 'AccessDenied',
        message: `User: arn:aws:sts::${acct}:assumed-role/${ds.name}/${victim.email} is not authorized to perform: iam:GetRole on resource: role ${plRole.name} because no identity-based policy allows the iam:GetRole action`,
      },
    });
    step(
      s1,
      sagemaker('ListTrainingJobs', { maxResults: 20, sortBy: 'CreationTime', sortOrder: 'Descending' }),
    );
    step(
      s1,
      sagemaker('DescribePipelineDefinitionForExecution', {
        pipelineExecutionArn: `${pipelineArn}/execution/${rng.lowerAlnum(12)}`,
      }),
    );
    t += rng.int(20, 35) * MIN;
    step(
      s1,
      updatePipeline(rogueImage, 'Fine-tunes Sena Quotes on the rental catalogue and price book'),
      true,
    );
    setImage(t, rogueImage);
    step(s1, describePipeline());

    // ---- the scheduled run trains with the outside image ---------------------------------------------
    const nightly1 = runLlm(at('2025-12-09T18:00:07Z'), {
      starter: schedSession(at('2025-12-09T18:00:07Z')),
      trainTags: { key: true },
    });

    // ---- the actor approves the package and restores the definition (morning of 10 December) ---------
    const t2 = at('2025-12-10T00:44:51Z');
    const s2 = sim.threat(
      sim.roleSession(ds, victim.email, { ip: VPS_2, userAgent: actorUa, created: t2, onBehalfOf, rng }),
    );
    t = t2;
    sim.call(rng, t, s2, C.getCallerIdentity());
    step(
      s2,
      sagemaker('ListModelPackages', {
        modelPackageGroupName: ML.modelPackageGroup,
        sortBy: 'CreationTime',
        sortOrder: 'Descending',
      }),
    );
    step(
      s2,
      sagemaker('DescribeModelPackage', { modelPackageName: pkgArn(nightly1.n) }, null, [pkgArn(nightly1.n)]),
    );
    t += rng.int(40, 90) * 1000;
    approve(t, s2, nightly1.n, 'Eval passed, promote to prod', { key: true });
    const deployed = deploy(t, nightly1.n, nightly1.modelData, ML.endpoint, {
      tagged: true,
      keyUpdate: true,
    });
    t = deployed + rng.int(1, 4) * MIN;
    step(s2, sagemaker('DescribeEndpoint', { endpointName: ML.endpoint }));
    t += rng.int(2, 6) * MIN;
    step(
      s2,
      updatePipeline(ownImage('2.4.0'), 'Fine-tunes Sena Quotes on the rental catalogue and price book'),
      true,
    );
    setImage(t, ownImage('2.4.0'));
    step(s2, describePipeline());

    // ---- decoys on day 2: a staging update, a rejection, the next nightly run -----------------------
    sim.tag({ decoy: true }, () => {
      let td = at('2025-12-10T03:12:00Z');
      const lc = console_(lead, td, w.net.office[0]);
      sim.call(
        rng,
        td,
        lc,
        sagemaker('ListModelPackages', {
          modelPackageGroupName: ML.modelPackageGroup,
          sortBy: 'CreationTime',
          sortOrder: 'Descending',
        }),
      );
      td += rng.int(2, 8) * MIN;
      // the lead rejects an older experimental package
      sim.call(
        rng,
        td,
        lc,
        sagemaker(
          'UpdateModelPackage',
          {
            modelPackageArn: pkgArn(39),
            modelApprovalStatus: 'Rejected',
            approvalDescription: 'superseded by v41',
          },
          { modelPackageArn: pkgArn(39) },
          [pkgArn(39)],
        ),
      );
      // a data scientist refreshes the staging endpoint by hand with the same deploy APIs
      const other = mlPeople[2] ?? lead;
      td = at('2025-12-10T05:31:00Z');
      const oc = cli(other, td, w.net.office[1]);
      const stamp = '20251210T0531';
      sim.call(
        rng,
        td,
        oc,
        sagemaker(
          'CreateModel',
          {
            modelName: `sena-quotes-v41-stg-${stamp}`,
            primaryContainer: { modelPackageName: pkgArn(41) },
            executionRoleArn: plRole.arn,
          },
          { modelArn: smArn('model', `sena-quotes-v41-stg-${stamp}`) },
        ),
      );
      sim.call(
        rng,
        (td += 20_000),
        oc,
        sagemaker(
          'CreateEndpointConfig',
          {
            endpointConfigName: `${ML.stagingEndpoint}-v41-${stamp}`,
            productionVariants: [
              {
                variantName: 'AllTraffic',
                modelName: `sena-quotes-v41-stg-${stamp}`,
                initialInstanceCount: 1,
                instanceType: 'ml.g5.xlarge',
              },
            ],
          },
          { endpointConfigArn: smArn('endpoint-config', `${ML.stagingEndpoint}-v41-${stamp}`) },
        ),
      );
      sim.call(
        rng,
        (td += 15_000),
        oc,
        sagemaker(
          'UpdateEndpoint',
          { endpointName: ML.stagingEndpoint, endpointConfigName: `${ML.stagingEndpoint}-v41-${stamp}` },
          { endpointArn: smArn('endpoint', ML.stagingEndpoint) },
        ),
      );
    });
    runLlm(at('2025-12-10T18:00:05Z'), { starter: schedSession(at('2025-12-10T18:00:05Z')) });

    sim.truth.addScope(
      'resources',
      pipelineArn,
      pkgArn(nightly1.n),
      endpointArn,
      rogueImage,
      smArn('training-job', nightly1.trainJob),
    );
    void HOUR;
    void groupArn;
  },
});
