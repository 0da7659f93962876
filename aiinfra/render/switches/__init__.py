"""Switch renderers still shared across OS drivers (moving into ``aiinfra/nos/<os>/``).

The pipeline renders a device with ``aiinfra.nos.driver(device.os).render(device, design)``.
"""
