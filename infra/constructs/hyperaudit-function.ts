import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../paths';

/** Files copied into the code root (/var/task/<to>), where the core looks for them at run time. */
export interface BundledFile {
  /** Path relative to the repo root: a file or a directory. */
  from: string;
  /** Path relative to the bundle root. */
  to: string;
}

export interface HyperauditFunctionProps {
  /** Folder under functions/ holding index.ts. */
  handlerDir: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** Extra files the handler reads at run time (rule packs, perimeters). */
  files?: BundledFile[];
  logRetention: logs.RetentionDays;
  /** Metric namespace shared by every function of the app. */
  metricsNamespace: string;
  /** Caps (and reserves) concurrent instances; set only where runs must not overlap. */
  reservedConcurrentExecutions?: number;
  /** VPC placement, for a function that reaches a private peer (the vSphere collector). */
  network?: Pick<lambda.FunctionProps, 'vpc' | 'vpcSubnets' | 'securityGroups'>;
}

/**
 * A hyperaudit Lambda with the house defaults baked in: Node 22 on ARM64, X-Ray tracing, Powertools settings,
 * its own log group with retention, and an ESM bundle built by the local esbuild (never Docker).
 */
export class HyperauditFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HyperauditFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const files = props.files ?? [];
    super(scope, id, {
      entry: path.join(REPO_ROOT, 'functions', props.handlerDir, 'index.ts'),
      handler: 'index.handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      ...(props.reservedConcurrentExecutions !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      }),
      ...props.network,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: `hyperaudit-${props.handlerDir}`,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The pinned SDK the tests ran against, not whatever version the runtime ships.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies call require(); an ESM bundle has none unless we make one.
        banner:
          "import { createRequire as __hyperauditCreateRequire } from 'node:module'; const require = __hyperauditCreateRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Data files sit beside the bundle; the handlers name them by path (RULES_DIR, TRACES_DIR), and
          // loadRules reads the schema and SCG catalogue from the rules folder it is given.
          afterBundling: (inputDir: string, outputDir: string) =>
            files.map((f) => {
              const dest = path.posix.join(outputDir, f.to);
              return `mkdir -p "${path.posix.dirname(dest)}" && cp -R "${path.posix.join(inputDir, f.from)}" "${dest}"`;
            }),
        },
      },
    });
  }
}
