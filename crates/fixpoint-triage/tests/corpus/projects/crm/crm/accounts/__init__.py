from crm.accounts.models import Account, AccountsBase, Contact

__all__ = ["Account", "AccountsBase", "Contact"]
