"""The catalog database schema: SQLAlchemy 2 typed mappings and constraints, nothing else.

Every list of the exchange format keeps its order through a ``position`` column, so that a catalog
exported from the database reads exactly as it was imported. Money columns hold exact decimal text
(:class:`app.models.types.Money`) with CHECK constraints against negative amounts.

Why this module is about 600 lines: it holds one typed mapping per table (42 of them) with their
constraints; the 15 that an administrator edits one by one carry the :class:`Versioned` stamp.
They refer to each other through foreign keys and relationships, and alembic's autogenerate and
the models-versus-migrations test compare them as one metadata, so they stay in one module.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.models.types import Money

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

NAME = String(200)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    """The edit stamp of an object an administrator edits on its own (a package, a reference
    object): ``version`` grows by one with every save that changes it, ``updated_at`` (UTC) and
    ``updated_by`` (``user@host``) say when and who. A save names the version it was loaded at
    and is refused when the stored one has moved on (optimistic concurrency)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(NAME)


def _non_negative(column: str) -> CheckConstraint:
    return CheckConstraint(f"CAST({column} AS NUMERIC) >= 0", name=f"{column}_not_negative")


def _fk(target: str, *, cascade: bool = False, nullable: bool = False) -> Mapped[int]:
    ondelete = "CASCADE" if cascade else "RESTRICT"
    return mapped_column(
        Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
    )


def _opt_fk(target: str) -> Mapped[int | None]:
    return mapped_column(Integer, ForeignKey(target, ondelete="RESTRICT"), nullable=True)


# --- reference data -------------------------------------------------------------------------


class Currency(Versioned, Base):
    __tablename__ = "currency"
    __table_args__ = (CheckConstraint("minor_units BETWEEN 0 AND 4", name="minor_units_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)
    minor_units: Mapped[int]
    name: Mapped[str | None] = mapped_column(NAME)
    position: Mapped[int] = mapped_column(default=0)


class PriceBook(Versioned, Base):
    __tablename__ = "price_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(NAME, unique=True)
    name: Mapped[str] = mapped_column(NAME)
    position: Mapped[int] = mapped_column(default=0)


class PriceBookCountry(Base):
    __tablename__ = "price_book_country"
    __table_args__ = (UniqueConstraint("price_book_id", "country"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    price_book_id: Mapped[int] = _fk("price_book.id", cascade=True)
    country: Mapped[str] = mapped_column(String(2))
    position: Mapped[int] = mapped_column(default=0)


class Status(Versioned, Base):
    __tablename__ = "status"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)


class Transition(Versioned, Base):
    __tablename__ = "transition"
    __table_args__ = (CheckConstraint("from_status_id <> to_status_id", name="moves"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    from_status_id: Mapped[int] = _fk("status.id")
    to_status_id: Mapped[int] = _fk("status.id")
    position: Mapped[int] = mapped_column(default=0)


class Service(Versioned, Base):
    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint(
            "base_type IN ('recurring', 'one_time', 'fee', 'usage')", name="base_type_known"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    base_type: Mapped[str] = mapped_column(String(16))
    gl_code: Mapped[str | None] = mapped_column(NAME)
    tax_category: Mapped[str | None] = mapped_column(NAME)
    tax_inclusive: Mapped[bool | None] = mapped_column(Boolean)
    unit: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(default=0)


class TaxRate(Versioned, Base):
    __tablename__ = "tax_rate"
    __table_args__ = (UniqueConstraint("category", "country"), _non_negative("rate"))
    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(NAME)
    country: Mapped[str] = mapped_column(String(2))
    rate: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


class RatePlan(Versioned, Base):
    __tablename__ = "rate_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    position: Mapped[int] = mapped_column(default=0)


class RatePlanRate(Base):
    __tablename__ = "rate_plan_rate"
    __table_args__ = (
        UniqueConstraint("rate_plan_id", "service_id", "currency_id"),
        _non_negative("per_unit"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    rate_plan_id: Mapped[int] = _fk("rate_plan.id", cascade=True)
    service_id: Mapped[int] = _fk("service.id")
    currency_id: Mapped[int] = _fk("currency.id")
    per_unit: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


class UsageBucket(Versioned, Base):
    __tablename__ = "usage_bucket"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    service_id: Mapped[int] = _fk("service.id")
    unit: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(default=0)


class UsageBucketTier(Base):
    __tablename__ = "usage_bucket_tier"
    __table_args__ = (_non_negative("threshold"), _non_negative("flat_charge"))
    id: Mapped[int] = mapped_column(primary_key=True)
    usage_bucket_id: Mapped[int] = _fk("usage_bucket.id", cascade=True)
    threshold: Mapped[Decimal] = mapped_column(Money)
    flat_charge: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


class CountingRule(Versioned, Base):
    __tablename__ = "counting_rule"
    __table_args__ = (CheckConstraint("counts IN ('packages', 'services')", name="counts_known"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    counts: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)


class CountingRuleItem(Base):
    """A package or a service counted by a rule (exactly one of the two is set)."""

    __tablename__ = "counting_rule_item"
    __table_args__ = (
        CheckConstraint(
            "(package_id IS NULL) <> (service_id IS NULL)", name="package_or_service"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    counting_rule_id: Mapped[int] = _fk("counting_rule.id", cascade=True)
    package_id: Mapped[int | None] = _opt_fk("package.id")
    service_id: Mapped[int | None] = _opt_fk("service.id")
    position: Mapped[int] = mapped_column(default=0)


class CountingRuleStatus(Base):
    __tablename__ = "counting_rule_status"
    __table_args__ = (UniqueConstraint("counting_rule_id", "status_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    counting_rule_id: Mapped[int] = _fk("counting_rule.id", cascade=True)
    status_id: Mapped[int] = _fk("status.id")
    position: Mapped[int] = mapped_column(default=0)


class Contract(Versioned, Base):
    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("term_months >= 1", name="term_positive"),
        _non_negative("early_termination_fee"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    term_months: Mapped[int]
    early_termination_fee: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)
    gl_code: Mapped[str | None] = mapped_column(NAME)  # of the early termination fee


class Company(Versioned, Base):
    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    position: Mapped[int] = mapped_column(default=0)


class CustomField(Versioned, Base):
    __tablename__ = "custom_field"
    __table_args__ = (
        CheckConstraint(
            "type IN ('text', 'number', 'date', 'boolean', 'choice')", name="type_known"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    entity: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(16))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    options_json: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class PromoCode(Versioned, Base):
    __tablename__ = "promo_code"
    __table_args__ = (
        CheckConstraint("type IN ('fixed', 'percent', 'price')", name="type_known"),
        _non_negative("amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(NAME, unique=True)
    type: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    period_months: Mapped[int | None]
    period_days: Mapped[int | None]
    prorate: Mapped[bool | None] = mapped_column(Boolean)
    status_id: Mapped[int | None] = _opt_fk("status.id")
    gl_code: Mapped[str | None] = mapped_column(NAME)
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)


class PricePlan(Versioned, Base):
    __tablename__ = "price_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    position: Mapped[int] = mapped_column(default=0)


class PricePlanPrice(Base):
    __tablename__ = "price_plan_price"
    __table_args__ = (_non_negative("amount"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    price_plan_id: Mapped[int] = _fk("price_plan.id", cascade=True)
    service_id: Mapped[int] = _fk("service.id")
    status_id: Mapped[int | None] = _opt_fk("status.id")
    currency_id: Mapped[int] = _fk("currency.id")
    amount: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


# --- packages and package frequencies -----------------------------------------------------------


class Package(Versioned, Base):
    __tablename__ = "package"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    company_id: Mapped[int | None] = _opt_fk("company.id")
    rollup_services: Mapped[bool] = mapped_column(Boolean, default=False)
    billing_activation_service_id: Mapped[int | None] = _opt_fk("service.id")
    position: Mapped[int] = mapped_column(default=0)


class PackageService(Base):
    __tablename__ = "package_service"
    __table_args__ = (UniqueConstraint("package_id", "service_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = _fk("package.id", cascade=True)
    service_id: Mapped[int] = _fk("service.id")
    position: Mapped[int] = mapped_column(default=0)


class PackageFrequency(Base):
    __tablename__ = "package_frequency"
    __table_args__ = (
        CheckConstraint(
            "bill_frequency IN "
            "('weekly', 'monthly', 'quarterly', 'semiannual', 'annual', 'months')",
            name="bill_frequency_known",
        ),
        CheckConstraint(
            "(bill_frequency = 'months') = (bill_months IS NOT NULL)", name="months_given"
        ),
        CheckConstraint("tiering IN ('none', 'bracket', 'progressive')", name="tiering_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = _fk("package.id", cascade=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    sku: Mapped[str | None] = mapped_column(NAME)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    bill_frequency: Mapped[str] = mapped_column(String(16))
    bill_months: Mapped[int | None]
    contract_id: Mapped[int | None] = _opt_fk("contract.id")
    rate_plan_id: Mapped[int | None] = _opt_fk("rate_plan.id")
    tiering: Mapped[str] = mapped_column(String(16), default="none")
    counting_rule_id: Mapped[int | None] = _opt_fk("counting_rule.id")
    position: Mapped[int] = mapped_column(default=0)


class FrequencyCurrency(Base):
    """A currency the frequency is sold in (the enabled currency check boxes)."""

    __tablename__ = "frequency_currency"
    __table_args__ = (UniqueConstraint("frequency_id", "currency_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    frequency_id: Mapped[int] = _fk("package_frequency.id", cascade=True)
    currency_id: Mapped[int] = _fk("currency.id")
    position: Mapped[int] = mapped_column(default=0)


class FrequencyCustomValue(Base):
    __tablename__ = "frequency_custom_value"
    __table_args__ = (UniqueConstraint("frequency_id", "custom_field_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    frequency_id: Mapped[int] = _fk("package_frequency.id", cascade=True)
    custom_field_id: Mapped[int] = _fk("custom_field.id")
    value_json: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class FrequencyCharges(Base):
    """The charges of one frequency in one price book and currency.

    A row without a currency records a price book added to the frequency before any currency
    was priced in it (``"price_books": {"EU": {}}``).
    """

    __tablename__ = "frequency_charges"
    __table_args__ = (UniqueConstraint("frequency_id", "price_book_id", "currency_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    frequency_id: Mapped[int] = _fk("package_frequency.id", cascade=True)
    price_book_id: Mapped[int] = _fk("price_book.id")
    currency_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("currency.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)


class RecurringPrice(Base):
    """A service's recurring pricing row, with its service settings and usage bucket overrides."""

    __tablename__ = "recurring_price"
    __table_args__ = (UniqueConstraint("charges_id", "service_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    charges_id: Mapped[int] = _fk("frequency_charges.id", cascade=True)
    service_id: Mapped[int] = _fk("service.id")
    gl_code: Mapped[str | None] = mapped_column(NAME)
    tax_category: Mapped[str | None] = mapped_column(NAME)
    rate_plan_id: Mapped[int | None] = _opt_fk("rate_plan.id")
    tax_inclusive: Mapped[bool | None] = mapped_column(Boolean)
    usage_bucket_id: Mapped[int | None] = _opt_fk("usage_bucket.id")
    bucket_unit: Mapped[str | None] = mapped_column(String(32))
    bucket_tiers_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)


class RecurringAmount(Base):
    __tablename__ = "recurring_amount"
    __table_args__ = (UniqueConstraint("recurring_price_id", "status_id"), _non_negative("amount"))
    id: Mapped[int] = mapped_column(primary_key=True)
    recurring_price_id: Mapped[int] = _fk("recurring_price.id", cascade=True)
    status_id: Mapped[int] = _fk("status.id")
    amount: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


class RecurringTier(Base):
    """One tier of a service's recurring price in one status; ``end_units`` null = open-ended.

    A trigger (see the migrations) refuses tiers whose ends do not strictly increase.
    """

    __tablename__ = "recurring_tier"
    __table_args__ = (
        UniqueConstraint("recurring_price_id", "status_id", "position"),
        CheckConstraint("end_units IS NULL OR end_units >= 1", name="end_positive"),
        _non_negative("amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    recurring_price_id: Mapped[int] = _fk("recurring_price.id", cascade=True)
    status_id: Mapped[int] = _fk("status.id")
    status_position: Mapped[int] = mapped_column(default=0)
    end_units: Mapped[int | None]
    amount: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


class RecurringBucketTier(Base):
    """An overridden usage bucket tier on a recurring row (when ``bucket_tiers_overridden``)."""

    __tablename__ = "recurring_bucket_tier"
    __table_args__ = (_non_negative("threshold"), _non_negative("flat_charge"))
    id: Mapped[int] = mapped_column(primary_key=True)
    recurring_price_id: Mapped[int] = _fk("recurring_price.id", cascade=True)
    threshold: Mapped[Decimal] = mapped_column(Money)
    flat_charge: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


class Discount(Base):
    __tablename__ = "discount"
    __table_args__ = (
        CheckConstraint("kind IN ('discount', 'promo_code')", name="kind_known"),
        CheckConstraint("type IN ('fixed', 'percent', 'price')", name="type_known"),
        CheckConstraint('"end" IS NULL OR "end" >= start', name="ends_after_start"),
        _non_negative("amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    recurring_price_id: Mapped[int] = _fk("recurring_price.id", cascade=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(NAME)
    promo_code_id: Mapped[int | None] = _opt_fk("promo_code.id")
    gl_code: Mapped[str | None] = mapped_column(NAME)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    prorate: Mapped[bool] = mapped_column(Boolean, default=False)
    status_id: Mapped[int | None] = _opt_fk("status.id")
    type: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    period_months: Mapped[int | None]
    period_days: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)


class TransitionCharge(Base):
    __tablename__ = "transition_charge"
    __table_args__ = (_non_negative("amount"), _non_negative("penalty_amount"))
    id: Mapped[int] = mapped_column(primary_key=True)
    charges_id: Mapped[int] = _fk("frequency_charges.id", cascade=True)
    service_id: Mapped[int] = _fk("service.id")
    transition_id: Mapped[int] = _fk("transition.id")
    charge_service_id: Mapped[int] = _fk("service.id")
    amount: Mapped[Decimal] = mapped_column(Money)
    penalty_amount: Mapped[Decimal | None] = mapped_column(Money)
    penalty_threshold_months: Mapped[int | None]
    penalty_threshold_days: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)


class OneTimeCharge(Base):
    __tablename__ = "one_time_charge"
    __table_args__ = (_non_negative("amount"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    charges_id: Mapped[int] = _fk("frequency_charges.id", cascade=True)
    service_id: Mapped[int] = _fk("service.id")
    amount: Mapped[Decimal | None] = mapped_column(Money)
    tiered: Mapped[bool] = mapped_column(Boolean, default=False)
    gl_code: Mapped[str | None] = mapped_column(NAME)
    tax_category: Mapped[str | None] = mapped_column(NAME)
    rate_plan_id: Mapped[int | None] = _opt_fk("rate_plan.id")
    tax_inclusive: Mapped[bool | None] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(default=0)


class OneTimeTier(Base):
    __tablename__ = "one_time_tier"
    __table_args__ = (
        UniqueConstraint("one_time_charge_id", "position"),
        CheckConstraint("end_units IS NULL OR end_units >= 1", name="end_positive"),
        _non_negative("amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    one_time_charge_id: Mapped[int] = _fk("one_time_charge.id", cascade=True)
    end_units: Mapped[int | None]
    amount: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


# --- accounts (saved simulator scenarios) ----------------------------------------------------


class Account(Base):
    __tablename__ = "account"
    __table_args__ = (CheckConstraint("bill_day BETWEEN 1 AND 28", name="bill_day_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    country: Mapped[str] = mapped_column(String(2))
    currency_id: Mapped[int] = _fk("currency.id")
    price_book_id: Mapped[int] = _fk("price_book.id")
    bill_day: Mapped[int] = mapped_column(default=1)
    price_plan_id: Mapped[int | None] = _opt_fk("price_plan.id")
    position: Mapped[int] = mapped_column(default=0)
    periods: Mapped[int | None]  # the simulator's horizon for this scenario (None: default)


class AccountPromoCode(Base):
    __tablename__ = "account_promo_code"
    __table_args__ = (UniqueConstraint("account_id", "promo_code_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = _fk("account.id", cascade=True)
    promo_code_id: Mapped[int] = _fk("promo_code.id")
    position: Mapped[int] = mapped_column(default=0)


class AccountPackage(Base):
    """A package frequency on an account; while one exists the frequency cannot be deleted."""

    __tablename__ = "account_package"
    __table_args__ = (
        CheckConstraint("cancelled IS NULL OR cancelled >= start", name="cancelled_after_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = _fk("account.id", cascade=True)
    frequency_id: Mapped[int] = _fk("package_frequency.id")
    start: Mapped[dt.date] = mapped_column(Date)
    cancelled: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)


class AccountService(Base):
    __tablename__ = "account_service"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),
                      _non_negative("price"))
    id: Mapped[int] = mapped_column(primary_key=True)
    account_package_id: Mapped[int] = _fk("account_package.id", cascade=True)
    ref: Mapped[str] = mapped_column(NAME)
    service_id: Mapped[int] = _fk("service.id")
    quantity: Mapped[int] = mapped_column(default=1)
    price: Mapped[Decimal | None] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


class AccountServiceStatus(Base):
    __tablename__ = "account_service_status"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_service_id: Mapped[int] = _fk("account_service.id", cascade=True)
    status_id: Mapped[int] = _fk("status.id")
    from_date: Mapped[dt.date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)


class UsageRecord(Base):
    __tablename__ = "usage_record"
    __table_args__ = (_non_negative("quantity"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = _fk("account.id", cascade=True)
    service_ref: Mapped[str] = mapped_column(NAME)
    quantity: Mapped[Decimal] = mapped_column(Money)
    unit: Mapped[str | None] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)


# --- hand-off history ------------------------------------------------------------------------


class CatalogExport(Base):
    """One export of the whole catalog: when, where to, in which format, and what was written.

    What was written is kept as a manifest (compressed JSON naming its parts by digest: one per
    package, one per other top-level key) over :class:`ExportPart` rows shared by every export
    that has the same part, so an export of an unchanged catalog costs only its manifest.
    ``size`` is the exported document as compact JSON, ``stored`` what this export added to
    the database (its manifest and its new parts), both in bytes.
    """

    __tablename__ = "catalog_export"
    id: Mapped[int] = mapped_column(primary_key=True)
    exported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    stored: Mapped[int] = mapped_column(Integer)
    manifest: Mapped[bytes] = mapped_column(LargeBinary)


class ExportPart(Base):
    """One piece of an exported document (a package, or a whole other list) as zlib-compressed
    compact JSON, named by the BLAKE2b digest of that JSON."""

    __tablename__ = "export_part"
    digest: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CatalogExtension(Base):
    """The ``x-``/``x_`` keys (another tool's extensions) of one object of the imported catalog,
    kept so that an export gives them back. ``locator`` names the object by the names of the
    objects that hold it (JSON), ``keys_json`` holds its extension keys and values (JSON)."""

    __tablename__ = "catalog_extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    locator: Mapped[str] = mapped_column(Text, unique=True)
    keys_json: Mapped[str] = mapped_column(Text)


class KillBillName(Base):
    """A name given to something in a Kill Bill export (product, plan, price list, unit), kept
    so later exports keep it whatever is added, renamed or reordered. ``key`` says what it
    names (``plan:FI-M:standard``); a name is never given to two things."""

    __tablename__ = "killbill_name"
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)


class KillBillPublication(Base):
    """One Kill Bill export: the catalog name and effective date it was published with, and
    the XML, which the next export compares plan shapes with."""

    __tablename__ = "killbill_publication"
    id: Mapped[int] = mapped_column(primary_key=True)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime)
    catalog_name: Mapped[str] = mapped_column(Text)
    effective_date: Mapped[str] = mapped_column(String(40))
    xml: Mapped[str] = mapped_column(Text)


class CatalogCache(Base):
    """The whole catalog document as compact JSON, kept to load snapshots fast: rows of JSON
    lines, the document without its packages first, then a few hundred packages per row
    (``store._read_snapshot_document``).

    On SQLite the ids of its rows record the catalog revision (``PRAGMA user_version``, bumped
    by every write) it was read at (``store._cache_base``), and it is used only at that
    revision; elsewhere every write through the application layer deletes it in the same
    transaction. The next snapshot load rebuilds a stale one. It is never the source of truth.
    """

    __tablename__ = "catalog_cache"
    id: Mapped[int] = mapped_column(primary_key=True)
    built_at: Mapped[dt.datetime] = mapped_column(DateTime)
    document_json: Mapped[str] = mapped_column(Text)


class CatalogVersion(Base):
    """A scheduled version of the catalog (docs/versions.md): effective from ``effective_date``
    with the price changes ``changes_json`` (the exchange format's ``versions[].prices``, JSON,
    referring to frequencies, price books, currencies, services and statuses by name). The
    catalog's own rows are the first version: ``position`` 0 holds only its date. For
    subscribers who already hold a package, ``policy`` ``grandfathered`` keeps the old price,
    ``move`` gives them the new one from ``existing_from``. A version with ``published_at``
    was exported and is read-only."""

    __tablename__ = "catalog_version"
    __table_args__ = (
        CheckConstraint("policy IN ('grandfathered', 'move')", name="policy_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)
    effective_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    name: Mapped[str | None] = mapped_column(NAME, nullable=True)
    policy: Mapped[str] = mapped_column(String(20), default="move")
    existing_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    changes_json: Mapped[str] = mapped_column(Text, default="[]")
