"""The policy timeline."""

from shdt.core.listing import RegistryListView

from .tables import POLICIES


class PolicyListView(RegistryListView):
    table = POLICIES
    template_name = "policies/policy_list.html"
    download_url_name = "policy_download"
    paginate_by = 200
