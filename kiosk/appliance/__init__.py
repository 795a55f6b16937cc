"""The kiosk as an appliance (README "Install as a kiosk"): what its systemd services need
from the code, such as the health check and telling systemd the server is alive."""
