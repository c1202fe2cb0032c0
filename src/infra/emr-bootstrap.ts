/**
 * Bootstrap-action scripts for the EMR cluster, as text. They run on every
 * node before the applications are installed and act on the master only.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Registers the master node's instance with the load balancer's target
 * groups (given as arguments), so the HTTPS load balancer reaches the UIs
 * without a fixed IP. IMDSv2 only.
 */
export const REGISTER_TARGETS_SCRIPT = `#!/bin/bash
# lakekit: register the EMR master with the UI target groups given as arguments.
set -euo pipefail
if ! grep -q '"isMaster": *true' /mnt/var/lib/info/instance.json; then exit 0; fi
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
IID=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)
REGION=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region)
for TG in "$@"; do
  aws elbv2 register-targets --region "$REGION" --target-group-arn "$TG" --targets "Id=$IID"
done
`;

/**
 * Installs Apache Airflow on the master node (pinned with the project's
 * constraints file), with LocalExecutor and its metadata database in the
 * Polaris metastore instance (database \`airflow\`, credentials read from
 * Secrets Manager at boot, never written to the cluster configuration), and
 * starts scheduler and webserver under systemd once the node is up.
 * Arguments: Airflow version, secret ARN.
 */
export const AIRFLOW_SCRIPT = `#!/bin/bash
# lakekit: install Apache Airflow on the EMR master node.
set -euo pipefail
if ! grep -q '"isMaster": *true' /mnt/var/lib/info/instance.json; then exit 0; fi
AIRFLOW_VERSION="$1"; SECRET_ARN="$2"
PY=$(python3 -c 'import sys; print(f"{sys.version_info.major}.{sys.version_info.minor}")')
sudo python3 -m venv /opt/airflow
sudo /opt/airflow/bin/pip install --quiet "apache-airflow[postgres,amazon]==\${AIRFLOW_VERSION}" \\
  --constraint "https://raw.githubusercontent.com/apache/airflow/constraints-\${AIRFLOW_VERSION}/constraints-\${PY}.txt"
sudo mkdir -p /opt/airflow/home && sudo chown hadoop:hadoop /opt/airflow/home
cat <<'UNIT' | sudo tee /usr/local/bin/airflow-env >/dev/null
#!/bin/bash
# Builds the metadata connection from the rotated secret each time a service starts.
set -euo pipefail
S=$(aws secretsmanager get-secret-value --secret-id "$SECRET_ARN" --query SecretString --output text)
J() { /opt/airflow/bin/python -c "import json,sys,urllib.parse; d=json.loads(sys.argv[1]); print(urllib.parse.quote(str(d[sys.argv[2]]), safe=''))" "$S" "$1"; }
/opt/airflow/bin/python - "$S" <<'PY'
import json, sys, psycopg2
d = json.loads(sys.argv[1])
c = psycopg2.connect(host=d['host'], port=d['port'], user=d['username'], password=d['password'], dbname=d['dbname'], sslmode='require')
c.autocommit = True
cur = c.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = 'airflow'")
if cur.fetchone() is None:
    cur.execute('CREATE DATABASE airflow')
PY
export AIRFLOW_HOME=/opt/airflow/home AIRFLOW__CORE__EXECUTOR=LocalExecutor AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://$(J username):$(J password)@$(J host):$(J port)/airflow?sslmode=require"
/opt/airflow/bin/airflow db migrate >/dev/null
exec /opt/airflow/bin/airflow "$@"
UNIT
sudo sed -i "s|\\$SECRET_ARN|$SECRET_ARN|" /usr/local/bin/airflow-env
sudo chmod 755 /usr/local/bin/airflow-env
for SVC in scheduler webserver; do
cat <<UNIT | sudo tee /etc/systemd/system/airflow-$SVC.service >/dev/null
[Unit]
Description=Apache Airflow $SVC
After=network-online.target
[Service]
User=hadoop
ExecStart=/usr/local/bin/airflow-env $SVC
Restart=always
RestartSec=10
[Install]
WantedBy=multi-user.target
UNIT
done
sudo systemctl daemon-reload
sudo systemctl enable --now airflow-scheduler airflow-webserver
`;

/**
 * Writes `content` to a temporary file named by its hash and returns its path
 * (for an S3 asset); the same script always lands in the same place, so
 * repeated synths do not pile up files.
 */
export function scriptFile(name: string, content: string): string {
  const dir = join(tmpdir(), `lakekit-emr-${createHash('sha256').update(content).digest('hex').slice(0, 16)}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o755 });
  return path;
}
