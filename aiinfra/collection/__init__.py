"""The Ansible collection ``aiinfra.fabric``, assembled from aiinfra's playbooks (:mod:`aiinfra.collection.build`)
and installed offline (:mod:`aiinfra.collection.cli`)."""
