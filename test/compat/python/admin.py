"""KafkaAdminClient: create (twice), list, describe configs, delete.

usage: admin.py BOOTSTRAP
Prints one JSON line with what each step saw.
"""
import json
import sys

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='kflow-test')
out = {}
admin.create_topics([
    NewTopic('adm-a', num_partitions=3, replication_factor=1, topic_configs={'retention.ms': '120000'}),
    NewTopic('adm-b', num_partitions=1, replication_factor=1),
])
try:
    admin.create_topics([NewTopic('adm-a', num_partitions=1, replication_factor=1)])
    out['again'] = 'created'
except TopicAlreadyExistsError:
    out['again'] = 'exists'
out['listed'] = sorted(t for t in admin.list_topics() if t.startswith('adm-'))
res = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, 'adm-a')])
# DescribeConfigs v2 entries: name, value, read_only, config_source, sensitive, synonyms.
entries = {c[0]: [c[1], c[3]] for c in res[0].resources[0][4]}
out['retention'] = entries['retention.ms']
out['cleanup'] = entries['cleanup.policy']
admin.delete_topics(['adm-b'])
out['after_delete'] = sorted(t for t in admin.list_topics() if t.startswith('adm-'))
admin.close()
print(json.dumps(out))
