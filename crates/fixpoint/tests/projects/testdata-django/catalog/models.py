from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Publisher(models.Model):
    name = models.CharField(max_length=100, unique=True)
    website = models.URLField(blank=True)
    founded = models.DateField(null=True)


class Book(models.Model):
    title = models.CharField(max_length=200)
    isbn = models.CharField(max_length=13, unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    rating = models.PositiveSmallIntegerField(validators=[MaxValueValidator(5)])
    status = models.CharField(max_length=10, choices=Status.choices)
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="books")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="book_price_positive")]
